/**
 * Jest snapshot serializer: replaces 64-hex asset hashes (S3 keys of bundled code, asset
 * parameters) with a placeholder, so the template snapshot is identical on every machine and
 * does not change when handler code changes.
 */
const HASH = /[0-9a-f]{64}/g;

module.exports = {
  test: (value) => typeof value === "string" && /[0-9a-f]{64}/.test(value),
  serialize: (value) => JSON.stringify(value.replace(HASH, "[ASSET_HASH]")),
};
