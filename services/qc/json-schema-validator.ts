/**
 * A JSON Schema validator for the SDK server, built on zod's `fromJSONSchema`. The SDK's
 * default builds an Ajv instance in every server's constructor, which a stateless server pays
 * on every request, and Ajv is a fifth of the Lambda bundle; this server validates JSON Schema
 * only for elicitation replies, which it never requests.
 */
import type { JsonSchemaType, jsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/types.js";
import { z } from "zod";

export function createZodJsonSchemaValidator(): jsonSchemaValidator {
  const compiled = new WeakMap<object, z.ZodType>();
  return {
    getValidator<T>(schema: JsonSchemaType) {
      let zodSchema = compiled.get(schema);
      if (!zodSchema) {
        zodSchema = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
        compiled.set(schema, zodSchema);
      }
      const validate = zodSchema;
      return (input: unknown) => {
        const result = validate.safeParse(input);
        return result.success
          ? { valid: true as const, data: result.data as T, errorMessage: undefined }
          : { valid: false as const, data: undefined, errorMessage: z.prettifyError(result.error) };
      };
    },
  };
}
