// Written by `npm run schema` from functions/src/formats/registry.ts: do not edit.

/** The compat wire formats a deployment can switch on or off besides `/v1/events`. */
export const COMPAT_FORMATS = ['netdata', 'librenms', 'cleaninsights'] as const;

/** Who sends each compat format and the paths it opens, as the privacy page lists them. */
export const COMPAT_CLIENTS: Readonly<
  Record<(typeof COMPAT_FORMATS)[number], { client: string; paths: readonly string[] }>
> = {
  netdata: { client: "Netdata agent and installer", paths: ["/compat/netdata"] },
  librenms: { client: "LibreNMS statistics and “clear remote stats”", paths: ["/compat/librenms/log.php","/compat/librenms/clear.php"] },
  cleaninsights: { client: "Clean Insights, as OpenWISP sends it", paths: ["/compat/cleaninsights.php"] },
};
