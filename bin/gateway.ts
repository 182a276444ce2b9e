/**
 * The CDK app: one {@link GatewayStack}, checked by cdk-nag's AwsSolutions pack on every synth.
 * Its settings are CDK context (`lib/config.ts`); a bad one ends the synth with one line saying
 * which key, and what it accepts.
 */
import { App, Validations } from "aws-cdk-lib";
import { AwsSolutionsChecks } from "cdk-nag";
import { ConfigError, readConfig, readStackName } from "../lib/config.ts";
import { GatewayStack } from "../lib/gateway-stack.ts";

const app = new App();
try {
  new GatewayStack(app, readStackName(app.node), {
    description: "gemini-gateway: OpenAI-compatible and native Gemini API gateway on Lambda function URLs",
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
    config: readConfig(app.node),
  });
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}

Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
