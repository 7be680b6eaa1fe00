/**
 * The on-call model: people, teams and schedules made of layered rotations plus overrides, as
 * PagerDuty shapes them. Plain data in the units the math uses: local calendar dates and
 * minutes after local midnight in the schedule's IANA time zone, instants in ms since the epoch.
 */

/** Someone who can be on call; `notify` names the alerting receivers that reach them. */
export interface Person {
  name: string;
  fullName: string;
  email: string | null;
  phone: string | null;
  chat: string | null;
  /** IANA zone, for showing times to the person; schedules use their own zone. */
  timeZone: string;
  /** Receivers of the alerting config (their email, SMS, Slack DM ...), in order. */
  notify: string[];
}

export interface Team {
  name: string;
  members: string[];
  schedules: string[];
}

/** A calendar date without a zone (`month` 1-12). */
export interface LocalDate {
  year: number;
  month: number;
  day: number;
}

/** ISO weekday: 1 = Monday ... 7 = Sunday. */
export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

export const weekdayNames = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
export type WeekdayName = (typeof weekdayNames)[number];

/**
 * A window of local time on the given weekdays, e.g. Monday-Friday 09:00-17:00. A window whose
 * end is not after its start runs past midnight into the next day (17:00-09:00 is a night);
 * `days` names the day the window starts on.
 */
export interface LayerRestriction {
  days: IsoWeekday[];
  /** Minutes after local midnight, 0-1439. */
  startMinute: number;
  /** Minutes after local midnight, 1-1440. */
  endMinute: number;
}

export type RotationKind = 'daily' | 'weekly' | 'custom';

/**
 * One rotation. Shift k starts on `startDate + k * shiftDays` at the local hand-off time and
 * goes to `members[k mod n]`; before the first shift the layer covers nobody. Restrictions,
 * when given, limit coverage to their windows (outside them the layer has nobody).
 */
export interface ScheduleLayer {
  name: string;
  rotation: RotationKind;
  /** Length of one shift in calendar days (daily 1, weekly 7, custom any whole number >= 1). */
  shiftDays: number;
  startDate: LocalDate;
  /** Hand-off time, minutes after local midnight (0-1439). */
  handoffMinute: number;
  members: string[];
  restrictions: LayerRestriction[];
}

/** Someone takes the schedule over for [startMs, endMs), whatever the layers say. */
export interface ScheduleOverride {
  person: string;
  startMs: number;
  endMs: number;
  /** Set for overrides created through the API (stored); absent for those in the config file. */
  id?: string;
  createdBy?: string;
}

/**
 * A schedule. Layers are ordered lowest first: where a later (higher) layer has someone, it wins
 * over the layers before it; where it has nobody, the layers below show through. Overrides win
 * over every layer.
 */
export interface OncallSchedule {
  name: string;
  description: string | null;
  timeZone: string;
  layers: ScheduleLayer[];
  overrides: ScheduleOverride[];
}

/** Everything on-call as configured: what the resolver and the API read. */
export interface OncallDirectory {
  people: Person[];
  teams: Team[];
  schedules: OncallSchedule[];
}

export const emptyOncallDirectory: OncallDirectory = { people: [], teams: [], schedules: [] };
