/** A UUID as PostgreSQL's uuid type accepts it (lower-case hex in 8-4-4-4-12 groups). */
export const UUID_PATTERN = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

export const isUuid = (text: string) => new RegExp(`^${UUID_PATTERN}$`, 'i').test(text);
