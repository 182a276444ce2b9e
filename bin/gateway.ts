/**
 * The CDK app: one {@link GatewayStack}, checked by cdk-nag's AwsSolutions pack on every synth.
 *
 * The stack name comes from `-c stackName=…`, else `GATEWAY_STACK_NAME`, else `GeminiGateway`,
 * so one account can hold several gateways (e.g. staging and production).
 */
import { App, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { GatewayStack } from "../lib/gateway-stack.ts";

const app = new App();
const stackName: string = app.node.tryGetContext("stackName") ?? process.env.GATEWAY_STACK_NAME ?? "GeminiGateway";

new GatewayStack(app, stackName, {
  description: "gemini-gateway: OpenAI-compatible and native Gemini API gateway on Lambda function URLs",
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});

Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
