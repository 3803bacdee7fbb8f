// generated from the IANA registry data by scripts/generate-registries.ts — do not edit
// source: ../shared/registries/ (see its README.md for provenance)

/** Protocol version codes: value, Zeek-style short name (TLSv12). */
export const VERSION_ROWS: readonly (readonly [number, string])[] = [
  [0x0002, "SSLv2"],
  [0x0300, "SSLv3"],
  [0x0301, "TLSv10"],
  [0x0302, "TLSv11"],
  [0x0303, "TLSv12"],
  [0x0304, "TLSv13"],
  [0xfefc, "DTLSv13"],
  [0xfefd, "DTLSv12"],
  [0xfeff, "DTLSv10"],
];
