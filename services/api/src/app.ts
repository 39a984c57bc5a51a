import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { Logger } from '@pi-egress/config';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { auditActions } from './audit.js';
import { errorHandler } from './errors.js';
import { strictJsonBodies } from './json-body.js';
import type { ApiOptions } from './options.js';
import { DEFAULT_RATE_LIMIT, limitRequests } from './rate-limit.js';
import { guardRoutes } from './route-guard.js';
import { admissionRoutes } from './routes/admission.js';
import { alertRoutes } from './routes/alerts.js';
import { certificateRoutes } from './routes/certificates.js';
import { eventRoutes } from './routes/events.js';
import { evidenceRoutes } from './routes/evidence.js';
import { healthRoutes } from './routes/health.js';
import { incidentRoutes } from './routes/incidents.js';
import { runbookRoutes } from './routes/runbooks.js';
import { subjectRoutes } from './routes/subjects.js';
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
  guardRoutes(app);
  strictJsonBodies(app);
  await limitRequests(app, options.tokens, options.rateLimit ?? DEFAULT_RATE_LIMIT);
  auditActions(app, options.ctx.store);

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

  const routeGroups = [
    healthRoutes,
    runbookRoutes,
    certificateRoutes,
    eventRoutes,
    usageRoutes,
    alertRoutes,
    incidentRoutes,
    evidenceRoutes,
    subjectRoutes,
    admissionRoutes,
  ];
  for (const routes of routeGroups) {
    await app.register(routes, options);
  }
  return app;
}
