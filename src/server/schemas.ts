import { z } from 'zod';

// Shapes of the Wild Loop V2 research server's replies (see shared/WILD_SERVER.md).

export const SkillSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().default(''),
  template: z.string().default(''),
  variables: z.array(z.string()).default([]),
  category: z.string().default(''),
  built_in: z.boolean().optional(),
  internal: z.boolean().optional(),
});
export type Skill = z.infer<typeof SkillSchema>;

export const SkillListSchema = z.array(SkillSchema);

const OperationSchema = z
  .object({
    summary: z.string().optional(),
    description: z.string().optional(),
    tags: z.array(z.string()).optional(),
    operationId: z.string().optional(),
  })
  .loose();

export const OpenApiSchema = z
  .object({
    openapi: z.string().optional(),
    paths: z.record(z.string(), z.record(z.string(), z.unknown())),
  })
  .loose();
export type OpenApiDocument = z.infer<typeof OpenApiSchema>;
export type OpenApiOperation = z.infer<typeof OperationSchema>;
export { OperationSchema as OpenApiOperationSchema };

export const SystemHealthSchema = z.record(z.string(), z.unknown());
export type SystemHealth = z.infer<typeof SystemHealthSchema>;

// `/prompt-skills/search` adds a relevance score to each skill (absent when `q` is empty).
export const SkillSearchResultSchema = SkillSchema.extend({ _score: z.number().optional() });
export const SkillSearchResultListSchema = z.array(SkillSearchResultSchema);
export type SkillSearchResult = z.infer<typeof SkillSearchResultSchema>;

// FastAPI error bodies: `detail` is a string (401/403/404/409) or, for 422, a list of
// pydantic issues.
export const ValidationIssueSchema = z
  .object({ loc: z.array(z.union([z.string(), z.number()])), msg: z.string(), type: z.string() })
  .loose();
export const ErrorBodySchema = z.object({ detail: z.union([z.string(), z.array(ValidationIssueSchema)]) });
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

export const RenderResultSchema = z.object({ rendered: z.string() });

/** GET /memories: the memory bank's entries (content and tags may be missing on hand-made ones). */
export const MemorySchema = z
  .object({
    title: z.string(),
    content: z
      .string()
      .nullish()
      .transform((v) => v ?? ''),
    tags: z
      .array(z.string())
      .nullish()
      .transform((v) => v ?? []),
    is_active: z.boolean().optional(),
  })
  .loose();
export const MemoryListSchema = z.array(MemorySchema);
