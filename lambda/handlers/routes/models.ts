import { findModel } from "../../domain/catalog.ts";
import { ModelNotFoundError } from "../../domain/errors.ts";
import { describeModel, googleModel, googleModelListing, modelListing } from "../../domain/model-listing.ts";
import { json } from "../../http/function-url.ts";
import type { RouteHandler } from "../../middleware/types.ts";

export const listModels: RouteHandler = () => json(200, modelListing());

export const getModel: RouteHandler = ({ params }) => json(200, describeModel(requireModel(params.model, "/v1/models")));

export const listGoogleModels: RouteHandler = () => json(200, googleModelListing());

export const getGoogleModel: RouteHandler = ({ params }) => json(200, googleModel(requireModel(params.model, "/v1beta/models")));

function requireModel(name: string | undefined, listPath: string) {
  const model = findModel(name ?? "");
  if (!model) throw new ModelNotFoundError(`Model ${name} is not offered here. GET ${listPath} lists the models you can use.`);
  return model;
}
