/**
 * Bounds a derived platform's scale stays within, whether given or fitted from a calibration: six orders of
 * magnitude either way covers a microcontroller against a datacenter GPU, and keeps predicted latencies finite.
 */
export const MIN_SCALE = 1e-6;
export const MAX_SCALE = 1e6;

/**
 * Literal route segments directly under /v1/platforms/ (GET /v1/platforms/host): a platform with such a slug
 * could never be read back, so no tenant may take one. A spec checks this list against openapi/openapi.json.
 */
export const RESERVED_PLATFORM_SLUGS = ['host'];
