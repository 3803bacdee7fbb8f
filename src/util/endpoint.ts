/** `ip:port`, with IPv6 addresses in brackets (`[2001:db8::1]:443`), as reports and findings write it. */
export function endpointText(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}
