import { ApiOkResponse } from '@nestjs/swagger';

/** The SSE answer: one `indicator` or `score` event per update, data as on sw.indicators.v1 / sw.scores.v1. */
export function ApiUpdateStreamResponse() {
  return ApiOkResponse({
    description:
      'An open text/event-stream. Each update is an event `indicator` or `score` whose id resumes the stream ' +
      '(Last-Event-ID) and whose data is the JSON message of sw.indicators.v1 or sw.scores.v1 (see the AsyncAPI ' +
      'document); `: keep-alive` comments every 15 seconds.',
    content: {
      'text/event-stream': {
        schema: {
          type: 'string',
          example:
            'id: score:0:1042\nevent: score\ndata: {"kind":"measure","port":"CNSHA","measure":1,"grain":"month",' +
            '"windowStart":"2026-10-01T00:00:00+08:00","windowEnd":"2026-11-01T00:00:00+08:00","score":88.9,…}\n\n',
        },
      },
    },
  });
}
