import { CfnOutput, Duration, Validations } from "aws-cdk-lib";
import { Alarm, ComparisonOperator, Dashboard, GraphWidget, MathExpression, Metric, TextWidget, TreatMissingData, type IMetric } from "aws-cdk-lib/aws-cloudwatch";
import { SnsAction } from "aws-cdk-lib/aws-cloudwatch-actions";
import { Operation, type TableV2 } from "aws-cdk-lib/aws-dynamodb";
import { Topic } from "aws-cdk-lib/aws-sns";
import { EmailSubscription } from "aws-cdk-lib/aws-sns-subscriptions";
import { Construct } from "constructs";
import { METRIC, METRICS_NAMESPACE, SERVICE } from "../lambda/telemetry/metric-names.ts";
import type { GatewayFunction } from "./gateway-function.ts";

export interface ObservabilityProps {
  /** The function URLs' functions, by the name their metrics carry (`chat`, `gemini`, `admin`). */
  readonly apiFunctions: Readonly<Record<string, GatewayFunction>>;
  readonly sweeper: GatewayFunction;
  readonly tables: Readonly<Record<string, TableV2>>;
  readonly alarmEmail?: string;
  readonly firstByteP99AlarmMs: number;
}

const FIVE_MINUTES = Duration.minutes(5);
/** The operations the gateway calls (an alarm's math may hold at most ten metrics). */
const OPERATIONS = [Operation.GET_ITEM, Operation.BATCH_GET_ITEM, Operation.QUERY, Operation.PUT_ITEM, Operation.UPDATE_ITEM, Operation.DELETE_ITEM, Operation.TRANSACT_WRITE_ITEMS, Operation.TRANSACT_GET_ITEMS];

/**
 * Eyes on a deployed gateway: one SNS topic every alarm notifies (output `AlarmTopicArn`, optionally
 * mailed), the alarms that mean someone should look, and a dashboard of the gateway's own metrics
 * (`lambda/telemetry/metrics.ts`) beside Lambda's and DynamoDB's.
 *
 * @example new Observability(this, "Observability", { apiFunctions: { chat, gemini, admin }, sweeper, tables, firstByteP99AlarmMs: 20_000 });
 */
export class Observability extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    this.topic = new Topic(this, "AlarmTopic", { displayName: "gemini-gateway alarms", enforceSSL: true });
    Validations.of(this.topic).acknowledge({
      id: "AwsSolutions-SNS2",
      reason: "Alarm notifications carry alarm names and states, no customer data; CloudWatch cannot publish to a topic encrypted with the AWS-managed SNS key.",
    });
    if (props.alarmEmail !== undefined) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    new CfnOutput(scope, "AlarmTopicArn", { description: "SNS topic every gateway alarm notifies; subscribe to it", value: this.topic.topicArn });

    const functions = { ...props.apiFunctions, sweeper: props.sweeper };
    for (const [name, fn] of Object.entries(functions)) {
      this.watch(fn.errorsAlarm);
      this.alarm(`${pascal(name)}Throttles`, `${name}: requests refused because the function hit its reserved concurrency`, fn.metricThrottles({ period: FIVE_MINUTES }), 1);
    }
    for (const name of Object.keys(props.apiFunctions)) {
      const rate = new MathExpression({
        expression: "IF(requests > 0, 100 * errors / requests, 0)",
        usingMetrics: { errors: gateway(METRIC.serverErrors, "Sum", { Function: name }), requests: gateway(METRIC.requests, "Sum", { Function: name }) },
        period: FIVE_MINUTES,
        label: `${name} 5xx %`,
      });
      this.alarm(`${pascal(name)}ServerErrorRate`, `${name}: more than 5% of requests answered 5xx`, rate, 5, { evaluationPeriods: 3, datapointsToAlarm: 2, comparison: ComparisonOperator.GREATER_THAN_THRESHOLD });
    }
    for (const name of ["chat", "gemini"].filter((candidate) => candidate in props.apiFunctions)) {
      this.alarm(`${pascal(name)}FirstByteP99`, `${name}: p99 time to first byte above ${props.firstByteP99AlarmMs} ms`, gateway(METRIC.firstByteLatency, "p99", { Function: name }), props.firstByteP99AlarmMs, {
        evaluationPeriods: 3,
        datapointsToAlarm: 3,
        comparison: ComparisonOperator.GREATER_THAN_THRESHOLD,
      });
    }
    const upstreamFailureRate = new MathExpression({
      expression: "IF(failures + calls - exhausted > 0, 100 * failures / (failures + calls - exhausted), 0)",
      usingMetrics: { failures: gateway(METRIC.upstreamFailures, "Sum"), calls: gateway(METRIC.upstreamCalls, "Sum"), exhausted: gateway(METRIC.upstreamExhausted, "Sum") },
      period: FIVE_MINUTES,
      label: "upstream attempts failing %",
    });
    this.alarm("UpstreamFailureRate", "More than a quarter of attempts at upstream Google accounts fail", upstreamFailureRate, 25, { evaluationPeriods: 2, datapointsToAlarm: 2, comparison: ComparisonOperator.GREATER_THAN_THRESHOLD });
    this.alarm("UpstreamExhausted", "Every upstream Google account failed a request (customers got 503 upstream_error)", gateway(METRIC.upstreamExhausted, "Sum"), 1);
    this.alarm("SettlementFailures", "A bill could not be recorded; the sweeper will refund its hold (the operator pays Google)", gateway(METRIC.settlementFailures, "Sum"), 1);
    this.alarm("HoldsSwept", "The sweeper refunded holds of requests whose function died", gateway(METRIC.holdsSwept, "Sum"), 1);
    for (const [name, table] of Object.entries(props.tables)) {
      this.alarm(`${pascal(name)}TableThrottles`, `DynamoDB throttled requests on the ${name} table`, table.metricThrottledRequestsForOperations({ operations: OPERATIONS, period: FIVE_MINUTES }), 1);
      this.alarm(`${pascal(name)}TableSystemErrors`, `DynamoDB system errors on the ${name} table`, table.metricSystemErrorsForOperations({ operations: OPERATIONS, period: FIVE_MINUTES }), 1);
    }

    this.dashboard = new Dashboard(this, "Dashboard", { dashboardName: `${scope.node.id}-gateway`, defaultInterval: Duration.hours(6) });
    this.dashboard.addWidgets(new TextWidget({ markdown: "# gemini-gateway\nRequests, money, Google and storage. Every alarm notifies the stack's AlarmTopic.", width: 24, height: 2 }));
    const names = Object.keys(props.apiFunctions);
    this.dashboard.addWidgets(
      graph("Requests", names.map((name) => gateway(METRIC.requests, "Sum", { Function: name }, name))),
      graph("5xx and 4xx", names.flatMap((name) => [gateway(METRIC.serverErrors, "Sum", { Function: name }, `${name} 5xx`), gateway(METRIC.clientErrors, "Sum", { Function: name }, `${name} 4xx`)])),
      graph("Errors by code", [search(`{${METRICS_NAMESPACE},service,Function,Code} MetricName="${METRIC.errors}"`, "Sum")]),
    );
    this.dashboard.addWidgets(
      graph("Time to first byte (ms)", names.flatMap((name) => [gateway(METRIC.firstByteLatency, "p50", { Function: name }, `${name} p50`), gateway(METRIC.firstByteLatency, "p99", { Function: name }, `${name} p99`)])),
      graph("Total time (ms)", names.flatMap((name) => [gateway(METRIC.totalLatency, "p50", { Function: name }, `${name} p50`), gateway(METRIC.totalLatency, "p99", { Function: name }, `${name} p99`)])),
      graph("Credits charged and refunded", names.flatMap((name) => [gateway(METRIC.creditsCharged, "Sum", { Function: name }, `${name} charged`), gateway(METRIC.creditsRefunded, "Sum", { Function: name }, `${name} refunded`)])),
    );
    this.dashboard.addWidgets(
      graph("Upstream failures by account", [search(`{${METRICS_NAMESPACE},service,UpstreamAccount} MetricName="${METRIC.upstreamFailures}"`, "Sum")]),
      graph("Failovers by account", [search(`{${METRICS_NAMESPACE},service,UpstreamAccount} MetricName="${METRIC.failovers}"`, "Sum")]),
      graph("Exhausted pool, unrecorded bills, swept holds", [gateway(METRIC.upstreamExhausted, "Sum", {}, "every account failed"), gateway(METRIC.settlementFailures, "Sum", {}, "settlement failures"), gateway(METRIC.holdsSwept, "Sum", {}, "holds swept")]),
    );
    this.dashboard.addWidgets(
      graph("Lambda errors and throttles", Object.entries(functions).flatMap(([name, fn]) => [fn.metricErrors({ label: `${name} errors` }), fn.metricThrottles({ label: `${name} throttles` })])),
      graph("Lambda concurrency", Object.entries(functions).map(([name, fn]) => fn.metric("ConcurrentExecutions", { statistic: "Maximum", label: name }))),
    );
    this.dashboard.addWidgets(
      ...Object.entries(props.tables).map(([name, table]) =>
        graph(`DynamoDB ${name}: throttled requests and system errors`, [
          search(`{AWS/DynamoDB,TableName,Operation} (MetricName="ThrottledRequests" OR MetricName="SystemErrors") TableName="${table.tableName}"`, "Sum"),
        ]),
      ),
    );
  }

  /** A sum (or rate) at or above `threshold` in a five-minute window alarms the topic. */
  private alarm(id: string, description: string, metric: IMetric, threshold: number, options: { evaluationPeriods?: number; datapointsToAlarm?: number; comparison?: ComparisonOperator } = {}): Alarm {
    const alarm = new Alarm(this, id, {
      alarmDescription: description,
      metric,
      threshold,
      evaluationPeriods: options.evaluationPeriods ?? 1,
      datapointsToAlarm: options.datapointsToAlarm,
      comparisonOperator: options.comparison ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    return this.watch(alarm);
  }

  private watch(alarm: Alarm): Alarm {
    alarm.addAlarmAction(new SnsAction(this.topic));
    alarm.addOkAction(new SnsAction(this.topic));
    this.alarms.push(alarm);
    return alarm;
  }
}

/** One of the gateway's own metrics, with the `service` dimension Powertools adds to every one. */
function gateway(name: string, statistic: string, dimensions: Record<string, string> = {}, label?: string): Metric {
  return new Metric({ namespace: METRICS_NAMESPACE, metricName: name, statistic, period: FIVE_MINUTES, dimensionsMap: { service: SERVICE, ...dimensions }, ...(label !== undefined && { label }) });
}

function search(query: string, statistic: string): MathExpression {
  return new MathExpression({ expression: `SEARCH('${query}', '${statistic}', 300)`, usingMetrics: {}, period: FIVE_MINUTES });
}

function graph(title: string, metrics: IMetric[]): GraphWidget {
  return new GraphWidget({ title, left: metrics, width: 8, height: 6 });
}

function pascal(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}
