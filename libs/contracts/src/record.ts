/**
 * An object that is not an array: a JSON object once parsed, or an XML element that xml2js parsed
 * into an object. Its prototype is not checked; both parsers only build plain objects.
 */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
