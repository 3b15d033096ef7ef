import type { DunningStage } from '../../../db/schema';
import { addDays, amsterdamInstant } from '../../utils/clock';

/** Reminders go out at this local hour, never at night. */
export const SEND_HOUR = 9;

/**
 * When the stage after `stagesDone` falls due for an invoice with this due date, or null
 * when the sequence is finished.
 */
export function nextActionFor(stages: DunningStage[], dueDate: string, stagesDone: number): Date | null {
  const next = stages[stagesDone];
  return next ? amsterdamInstant(addDays(dueDate, next.offsetDays), SEND_HOUR) : null;
}

/** How many stages would already have run for an invoice overdue `daysOverdue` days. */
export function stagesPassed(stages: DunningStage[], daysOverdue: number): number {
  return stages.filter((s) => s.offsetDays <= daysOverdue).length;
}
