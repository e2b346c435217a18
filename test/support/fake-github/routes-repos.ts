// The repository itself and collaborator permission checks.
import { forbidden, notFound, ok } from './replies.js';
import { ReplyError, effectiveRole, findRepo, type Handler } from './route-context.js';
import { roleAtLeast, type Role } from './state.js';

export const repoRoutes: Record<string, Handler> = {
  'GET /repos/{owner}/{repo}': (ctx) => ok(ctx.render.fullRepo(findRepo(ctx), ctx.actor)),

  'GET /repos/{owner}/{repo}/collaborators/{username}/permission': (ctx) => {
    const repo = findRepo(ctx);
    if (!roleAtLeast(effectiveRole(ctx, repo), 'write')) {
      throw new ReplyError(forbidden('Must have push access to view collaborator permission.', ctx.docUrl));
    }
    const user = ctx.state.user(ctx.params.username ?? '');
    if (!user) return notFound(ctx.docUrl);
    const explicit = ctx.state.roleOf(repo, user.login);
    if (!explicit && repo.nonCollaborators === 'not-found') return notFound(ctx.docUrl);
    // Without a role, anyone can read a public repository and no one a private one.
    const role: Role = explicit ?? (repo.private ? 'none' : 'read');
    return ok(ctx.render.collaboratorPermission(user, role));
  },
};
