import { apiHandler, apiJson, methodNotAllowed } from '~/modules/api/index.server';
import { openApiDocument } from '~/modules/api/index';
import { getEnv } from '~/utils/env.server';

/** Public: the document describes the API and holds no data. */
export const loader = () =>
  apiHandler(null, async () =>
    apiJson(openApiDocument(`${getEnv().APP_URL}/api/v1`, getEnv().API_RATE_LIMIT_PER_MINUTE), 200, {
      'Cache-Control': 'public, max-age=300',
    }),
  );

export const action = () => apiHandler(null, async () => methodNotAllowed(['GET']));
