/**
 * Every seeded timestamp is measured back from this fixed instant, never from the clock, so
 * the same seed gives the same rows on any day (and every timestamp is in the past).
 */
export const REFERENCE_DATE = new Date('2026-11-01T00:00:00.000Z');
export const REF = REFERENCE_DATE.getTime();

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

const TWO = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const THREE = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
/**
 * `YYYY-MM-DDT` by day since the epoch, for the days from 1970 to 2239 (seeded time is the few
 * years before REF): indexing an array is several times faster than a Map lookup, per timestamp,
 * millions of times. Other days go through the Map.
 */
const CACHED_DAYS = 100_000;
const dayPrefixList: (string | undefined)[] = [];
const dayPrefixes = new Map<number, string>();

/**
 * Days since the epoch as a small integer. Math.floor returns a double, and a Map looks a double
 * key up several times slower than a small integer one (per timestamp, millions of times).
 */
const dayOf = (ms: number): number => Math.floor(ms / DAY) | 0;

/**
 * ISO 8601 in UTC, exactly as Date#toISOString writes it, as COPY reads it for timestamptz.
 * Millions of timestamps fall on a few hundred days, so the date part is cached per day and
 * the time part assembled from lookup tables: several times faster than a Date per value.
 */
export function iso(ms: number): string {
  const day = dayOf(ms);
  const prefix = dayPrefix(day);
  // Milliseconds into the day, below 2^31: integer arithmetic and integer indexes from here.
  const inDay = (ms - day * DAY) | 0;
  let rest = inDay;
  const h = (rest / HOUR) | 0;
  rest -= h * HOUR;
  const m = (rest / MINUTE) | 0;
  rest -= m * MINUTE;
  const s = (rest / 1000) | 0;
  const text = `${prefix}${TWO[h]}:${TWO[m]}:${TWO[s]}.${THREE[rest - s * 1000]}Z`;
  // What parseMoment reads back from it: the instant to the millisecond (a 24-character text is years 0-9999).
  if (text.length === 24) remember(text, day * DAY + inDay);
  return text;
}

/** `YYYY-MM-DDT` of a day (days since the epoch), cached. */
function dayPrefix(day: number): string {
  const listed = day >= 0 && day < CACHED_DAYS;
  let prefix = listed ? dayPrefixList[day] : dayPrefixes.get(day);
  if (prefix === undefined) {
    prefix = new Date(day * DAY).toISOString().slice(0, 11);
    if (listed) dayPrefixList[day] = prefix;
    else dayPrefixes.set(day, prefix);
  }
  return prefix;
}

const dateList: (string | undefined)[] = [];
const dates = new Map<number, string>();

/** YYYY-MM-DD for date columns, cached per day like iso's date part. */
export function isoDate(ms: number): string {
  const day = dayOf(ms);
  const listed = day >= 0 && day < CACHED_DAYS;
  let date = listed ? dateList[day] : dates.get(day);
  if (date === undefined) {
    date = dayPrefix(day).slice(0, 10);
    if (listed) dateList[day] = date;
    else dates.set(day, date);
  }
  if (date.length === 10) remember(date, day * DAY);
  return date;
}

/**
 * The last moments iso and isoDate wrote, with the instants parseMoment reads back from them:
 * the row loop writes a row's times, then reads them to order them (a child after its parent,
 * updated_at after created_at), and finds them here without a parse. A text equal to one here
 * parses to its instant, so a match is always right; any other text is parsed.
 */
const RECENT = 4;
const recentText: (string | null)[] = new Array<string | null>(RECENT).fill(null);
const recentMs = new Float64Array(RECENT);
let recentNext = 0;

function remember(text: string, ms: number): void {
  recentText[recentNext] = text;
  recentMs[recentNext] = ms;
  recentNext = (recentNext + 1) & (RECENT - 1);
}

/**
 * Date.parse, exactly: a moment iso or isoDate just wrote from memory, and otherwise by arithmetic for the two forms the seed writes (iso's
 * `YYYY-MM-DDTHH:MM:SS.mmmZ` and isoDate's `YYYY-MM-DD`, both UTC): the row loop reads its
 * own moments back to order them (a child after its parent, updated_at after created_at),
 * several per row, and Date.parse was most of that. Any other text (a seed file's value, a
 * timestamp without zone, which Date.parse reads as local time) goes to Date.parse.
 */
export function parseMoment(text: string): number {
  for (let i = 0; i < RECENT; i++) if (recentText[i] === text) return recentMs[i]!;
  const n = text.length;
  if ((n !== 24 && n !== 10) || text.charCodeAt(4) !== DASH || text.charCodeAt(7) !== DASH) return Date.parse(text);
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const date = digits(text, 8, 2);
  // Date.parse takes days 1-31 in any month (February 30 is March 2), as the day count below does.
  if (year < 0 || month < 1 || month > 12 || date < 1 || date > 31) return Date.parse(text);
  const day = daysFromCivil(year, month, date);
  if (n === 10) return day * DAY;
  if (text.charCodeAt(10) !== T || text.charCodeAt(13) !== COLON || text.charCodeAt(16) !== COLON) return Date.parse(text);
  if (text.charCodeAt(19) !== DOT || text.charCodeAt(23) !== Z) return Date.parse(text);
  const h = digits(text, 11, 2);
  const m = digits(text, 14, 2);
  const s = digits(text, 17, 2);
  const milli = digits(text, 20, 3);
  if (h < 0 || h > 23 || m < 0 || m > 59 || s < 0 || s > 59 || milli < 0) return Date.parse(text);
  return day * DAY + h * HOUR + m * MINUTE + s * 1000 + milli;
}

const [DASH, COLON, DOT, T, Z, ZERO] = ['-', ':', '.', 'T', 'Z', '0'].map((c) => c.charCodeAt(0)) as [
  number,
  number,
  number,
  number,
  number,
  number,
];

/** The decimal number of `count` digits at `from`, or -1 when one of them is not a digit. */
function digits(text: string, from: number, count: number): number {
  let value = 0;
  for (let i = from; i < from + count; i++) {
    const d = text.charCodeAt(i) - ZERO;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil); a day past the month's end rolls over. */
function daysFromCivil(year: number, month: number, date: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + date - 1;
  return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
}

/** The start (UTC midnight) of the day `ms` falls in. */
export function dayStart(ms: number): number {
  return Math.floor(ms / DAY) * DAY;
}
