import { z } from "zod";
import { Email, Timestamp, line, text } from "./common.ts";

export const agentRoles = ["owner", "agent"] as const;

export const Agent = z
  .object({
    id: z.string().meta({ example: "ag_3Kd9" }),
    name: z.string(),
    email: z.string(),
    role: z.enum(agentRoles),
    createdAt: Timestamp,
  })
  .meta({ id: "Agent" });
export type Agent = z.infer<typeof Agent>;

export const AgentInput = z
  .object({
    name: line(100),
    email: Email,
    password: text(200).min(8, "must be at least 8 characters"),
    role: z.enum(agentRoles).optional(),
  })
  .strict()
  .meta({ id: "AgentInput" });
export type AgentInput = z.infer<typeof AgentInput>;

export const SignInBody = z.object({ email: text(254), password: text(200) }).strict();
