import { z } from "zod";
import { Email, Timestamp, line, text } from "./common.ts";
import { Availability } from "./availability.ts";

/** CONTRACT §7: owners and admins manage the team and its settings; agents answer conversations. */
export const agentRoles = ["owner", "admin", "agent"] as const;
export const AgentRole = z.enum(agentRoles);
export type AgentRole = z.infer<typeof AgentRole>;

export const Agent = z
  .object({
    id: z.string().meta({ example: "ag_3Kd9" }),
    name: z.string(),
    email: z.string(),
    role: AgentRole,
    active: z.boolean().meta({ description: "false: the agent cannot sign in" }),
    availability: Availability.meta({
      description: "online: an inbox is connected and not away; away: set away; offline: no inbox for 30 s",
    }),
    queues: z.array(z.string()).meta({ description: "The queues round-robin gives this agent; empty: all" }),
    emailNotifications: z.boolean().meta({
      description:
        "true: while offline, the agent is emailed about a new conversation in their queues, an assignment to them and a mention of them (docs/email.md)",
    }),
    createdAt: Timestamp,
  })
  .meta({ id: "Agent" });
export type Agent = z.infer<typeof Agent>;

const Password = text(200).min(8, "must be at least 8 characters");

export const AgentInput = z
  .object({
    name: line(100),
    email: Email,
    password: Password,
    role: AgentRole.optional().meta({ description: 'Default "agent"' }),
  })
  .strict()
  .meta({ id: "AgentInput" });
export type AgentInput = z.infer<typeof AgentInput>;

export const AgentPatch = z
  .object({
    name: line(100).optional(),
    password: Password.optional(),
    role: AgentRole.optional(),
    active: z.boolean().optional(),
    away: z.boolean().optional().meta({ description: "An agent sets itself away; managers may set anyone" }),
    queues: z.array(line(100)).max(50).optional().meta({ description: "Managers only; empty: every queue" }),
    emailNotifications: z
      .boolean()
      .optional()
      .meta({ description: "Emails while offline (docs/email.md): the agent itself, or a manager" }),
  })
  .strict()
  .meta({
    id: "AgentPatch",
    description:
      "An agent may change its own name, password, away and email notifications. Role and active: owners, admins and admin tokens; only owners and admin tokens grant or take away `owner` or change an owner.",
  });
export type AgentPatch = z.infer<typeof AgentPatch>;

export const SignInBody = z.object({ email: text(254), password: text(200) }).strict();
