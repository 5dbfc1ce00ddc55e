import { Controller, Get, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentPrincipal, Principal } from '../auth/principal';
import { ApiErrors } from '../common/api-errors.decorator';
import { Page } from '../common/pagination';
import { JobDto, JobListQueryDto, JobPageDto } from './jobs.dto';
import { JobsService } from './jobs.service';

@ApiTags('jobs')
@ApiBearerAuth()
@Controller('v1/jobs')
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  @Get()
  @ApiOperation({ summary: "The tenant's jobs, newest first; filter by state and kind" })
  @ApiOkResponse({ type: JobPageDto })
  @ApiErrors(400, 401)
  list(@CurrentPrincipal() principal: Principal, @Query() query: JobListQueryDto): Promise<Page<JobDto>> {
    return this.jobs.list(principal.tenantId, query);
  }

  @Get(':id')
  @ApiOperation({
    summary: 'One job: state, progress, and its result or error',
    description: 'Poll it: progress runs from 0 to 1 while the job runs; `result` is set once it succeeded.',
  })
  @ApiOkResponse({ type: JobDto })
  @ApiErrors(400, 401, 404)
  get(@CurrentPrincipal() principal: Principal, @Param('id', new ParseUUIDPipe()) id: string): Promise<JobDto> {
    return this.jobs.get(principal.tenantId, id);
  }
}
