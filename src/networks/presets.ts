/**
 * Link presets: one wireless hop or the edge–cloud WAN, as {uplinkMbps, downlinkMbps, rttMs}.
 * Sources:
 * - 3g, 4g, wifi: the average upload/download bandwidths Kang et al. measured for Neurosurgeon (ASPLOS 2017,
 *   Table 3: 3G 1.1/2.0 Mbps, LTE 5.85/13 Mbps, Wi-Fi 18.88/54 Mbps); round-trip times are the usual orders of
 *   magnitude of those access networks (3G ~100 ms, LTE ~50 ms, Wi-Fi to a nearby edge ~10 ms).
 * - 5g: mid-band 5G as commonly reported by crowd-sourced speed tests (tens of Mbps up, a few hundred down, ~20 ms).
 * - wan: a provisioned edge-to-cloud link, 100 Mbps symmetric with 40 ms round trip (a cross-region path).
 */
export interface LinkSpec {
  uplinkMbps: number;
  downlinkMbps: number;
  rttMs: number;
}

export const LINK_PRESETS = {
  '3g': { uplinkMbps: 1.1, downlinkMbps: 2.0, rttMs: 100 },
  '4g': { uplinkMbps: 5.85, downlinkMbps: 13, rttMs: 50 },
  '5g': { uplinkMbps: 50, downlinkMbps: 200, rttMs: 20 },
  wifi: { uplinkMbps: 18.88, downlinkMbps: 54, rttMs: 10 },
  wan: { uplinkMbps: 100, downlinkMbps: 100, rttMs: 40 },
} as const satisfies Record<string, LinkSpec>;

export type LinkPreset = keyof typeof LINK_PRESETS;
export const LINK_PRESET_NAMES = Object.keys(LINK_PRESETS) as LinkPreset[];
