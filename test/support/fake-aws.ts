/**
 * Just enough of CloudFormation (DescribeStacks, AWS query protocol) and Secrets Manager
 * (GetSecretValue / PutSecretValue, JSON 1.1) for the admin CLI's `--stack` mode, reached through
 * the SDK's `AWS_ENDPOINT_URL_*` variables.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeAws {
  url: string;
  secrets: Map<string, string>;
  close(): Promise<void>;
}

export async function startFakeAws(stacks: Record<string, Record<string, string>>): Promise<FakeAws> {
  const secrets = new Map<string, string>();
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      const target = req.headers["x-amz-target"];
      if (typeof target === "string") return secretsManager(target, JSON.parse(body) as { SecretId: string; SecretString?: string }, res);
      const form = new URLSearchParams(body);
      const outputs = stacks[form.get("StackName") ?? ""];
      if (form.get("Action") !== "DescribeStacks" || !outputs) {
        res.writeHead(400, { "content-type": "text/xml" });
        return res.end(`<ErrorResponse><Error><Type>Sender</Type><Code>ValidationError</Code><Message>Stack with id ${form.get("StackName")} does not exist</Message></Error><RequestId>r</RequestId></ErrorResponse>`);
      }
      const members = Object.entries(outputs).map(([key, value]) => `<member><OutputKey>${key}</OutputKey><OutputValue>${value}</OutputValue></member>`).join("");
      res.writeHead(200, { "content-type": "text/xml" });
      res.end(
        `<DescribeStacksResponse xmlns="http://cloudformation.amazonaws.com/doc/2010-05-15/"><DescribeStacksResult><Stacks><member>` +
          `<StackName>${form.get("StackName")}</StackName><StackStatus>CREATE_COMPLETE</StackStatus><CreationTime>2026-11-01T00:00:00Z</CreationTime>` +
          `<Outputs>${members}</Outputs></member></Stacks></DescribeStacksResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></DescribeStacksResponse>`,
      );
    });
  });

  function secretsManager(target: string, input: { SecretId: string; SecretString?: string }, res: import("node:http").ServerResponse) {
    res.setHeader("content-type", "application/x-amz-json-1.1");
    if (target.endsWith("PutSecretValue") && input.SecretString !== undefined) {
      secrets.set(input.SecretId, input.SecretString);
      return res.end(JSON.stringify({ ARN: input.SecretId, Name: "upstream", VersionId: "v2" }));
    }
    const value = secrets.get(input.SecretId);
    if (target.endsWith("GetSecretValue") && value !== undefined) {
      return res.end(JSON.stringify({ ARN: input.SecretId, Name: "upstream", SecretString: value, VersionId: "v1" }));
    }
    res.statusCode = 400;
    res.end(JSON.stringify({ __type: "ResourceNotFoundException", message: "Secrets Manager can't find the specified secret." }));
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    secrets,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
