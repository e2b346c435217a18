// Every operation the fake serves, keyed `METHOD /path/{template}` exactly as GitHub's
// OpenAPI description spells the path.
import type { Handler } from './route-context.js';
import { issueRoutes } from './routes-issues.js';
import { pullRoutes } from './routes-pulls.js';
import { repoRoutes } from './routes-repos.js';
import { reviewRoutes } from './routes-reviews.js';

export const routes: Readonly<Record<string, Handler>> = { ...repoRoutes, ...issueRoutes, ...pullRoutes, ...reviewRoutes };
