import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { Logger } from '@pi-egress/config';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { errorHandler } from './errors.js';
import type { ApiOptions } from './options.js';
import { certificateRoutes } from './routes/certificates.js';
import { eventRoutes } from './routes/events.js';
import { healthRoutes } from './routes/health.js';
import { usageRoutes } from './routes/usage.js';

/** Builds the API: each route group an encapsulated plugin, OpenAPI at /docs. */
export async function buildApi(options: ApiOptions & { logger: Logger }): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: options.logger as FastifyBaseLogger,
    bodyLimit: options.maxBodyBytes,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'PI egress monitor',
        description: 'Distinct individuals whose PI was sent abroad, checked against the declared certificate scope (PIPL Art. 38).',
        version: '1.0.0',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  for (const routes of [healthRoutes, certificateRoutes, eventRoutes, usageRoutes]) {
    await app.register(routes, options);
  }
  return app;
}
