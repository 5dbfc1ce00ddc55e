import { Module } from '@nestjs/common';
import { ModelsModule } from '../models/models.module';
import { NetworksModule } from '../networks/networks.module';
import { PlatformDirectoryModule } from '../platforms/platform-directory.module';
import { PredictionsModule } from '../predictions/predictions.module';
import { PlanInputsService } from './plan-inputs.service';
import { PlanListService } from './plan-list.service';
import { PlansController } from './plans.controller';
import { PlansService } from './plans.service';

@Module({
  imports: [ModelsModule, NetworksModule, PlatformDirectoryModule, PredictionsModule],
  controllers: [PlansController],
  providers: [PlansService, PlanInputsService, PlanListService],
})
export class PlansModule {}
