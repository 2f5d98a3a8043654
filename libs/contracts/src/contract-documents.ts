import { EVENT_TYPES } from './cloud-event';
import { asyncApiDocument } from './asyncapi';
import { eventSchema } from './json-schema';

/** The generated contract documents, path (relative to the repository) → content. */
export function contractDocuments(): Record<string, string> {
  const documents: Record<string, string> = {
    'docs/asyncapi.json': `${JSON.stringify(asyncApiDocument(), null, 2)}\n`,
  };
  for (const type of EVENT_TYPES) {
    documents[`docs/schemas/${type}.json`] = `${JSON.stringify(eventSchema(type), null, 2)}\n`;
  }
  return documents;
}
