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
