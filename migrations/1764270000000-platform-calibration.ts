import { MigrationInterface, QueryRunner } from 'typeorm';

/** A derived platform fitted from whole-model measurements keeps the fit, to show how well one factor explains it. */
export class PlatformCalibration1764270000000 implements MigrationInterface {
  name = 'PlatformCalibration1764270000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE platforms ADD COLUMN calibration jsonb');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('ALTER TABLE platforms DROP COLUMN calibration');
  }
}
