import "../../lambda/http/awslambda-shim.ts";
