import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { Logger } from '@pi-egress/config';
import { ReservationBook } from '@pi-egress/core';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { auditActions } from './audit.js';
import { errorHandler, frameworkErrors, notFoundHandler } from './errors.js';
import { strictJsonBodies } from './json-body.js';
import type { ApiOptions } from './options.js';
import { DEFAULT_RATE_LIMIT, limitRequests } from './rate-limit.js';
import { API_TAGS, nameOperations } from './openapi.js';
import { guardRoutes } from './route-guard.js';
import { admissionRoutes } from './routes/admission.js';
import { alertRoutes } from './routes/alerts.js';
import { certificateRoutes } from './routes/certificates.js';
import { instrumentRoutes } from './routes/instruments.js';
import { eventRoutes } from './routes/events.js';
import { evidenceRoutes } from './routes/evidence.js';
import { healthRoutes } from './routes/health.js';
import { incidentRoutes } from './routes/incidents.js';
import { runbookRoutes } from './routes/runbooks.js';
import { subjectRoutes } from './routes/subjects.js';
import { usageRoutes } from './routes/usage.js';

/** Builds the API: each route group an encapsulated plugin, OpenAPI at /docs. */
export async function buildApi(options: ApiOptions & { logger: Logger }): Promise<FastifyInstance> {
  const publicUrl = (options.publicUrl ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
  const app = Fastify({
    loggerInstance: options.logger.child({ component: 'api' }) as FastifyBaseLogger,
    bodyLimit: options.maxBodyBytes,
    frameworkErrors,
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(errorHandler);
  app.setNotFoundHandler(notFoundHandler);
  guardRoutes(app);
  nameOperations(app);
  strictJsonBodies(app);
  await limitRequests(app, options.tokens, options.rateLimit ?? DEFAULT_RATE_LIMIT);
  auditActions(app, options.ctx.store);

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'PI egress monitor',
        description: 'Distinct individuals whose PI was sent abroad, checked against the declared certificate scope (PIPL Art. 38).',
        version: '1.0.0',
        contact: { name: 'Operators of this monitor', url: `${publicUrl}/docs` },
      },
      servers: [{ url: publicUrl, description: 'This monitor (EGRESS_PUBLIC_URL)' }],
      tags: API_TAGS,
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
    instrumentRoutes,
    eventRoutes,
    usageRoutes,
    alertRoutes,
    incidentRoutes,
    evidenceRoutes,
    subjectRoutes,
    admissionRoutes,
  ];
  const routeOptions = { ...options, reservations: options.reservations ?? new ReservationBook() };
  for (const routes of routeGroups) {
    await app.register(routes, routeOptions);
  }
  return app;
}
