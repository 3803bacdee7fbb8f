/**
 * Names of LINKTYPE_* values (https://www.tcpdump.org/linktypes.html) for the capture summary.
 * Numbers stay numbers in the data; names are for display, and unknown values render as
 * `unknown(N)`.
 */

/** Name and description of one LINKTYPE value. */
interface LinkTypeInfo {
  /** LINKTYPE_ name without the prefix, e.g. "LINUX_SLL2". */
  readonly name: string;
  /** What it is, in plain words. */
  readonly description: string;
}

/** The link types seen in practice (`PacketDecoder` decodes only some of them down to IP). */
const LINK_TYPES: ReadonlyMap<number, LinkTypeInfo> = new Map<number, LinkTypeInfo>([
  [0, { name: 'NULL', description: 'BSD loopback (host byte order)' }],
  [1, { name: 'ETHERNET', description: 'Ethernet' }],
  [6, { name: 'IEEE802_5', description: 'Token Ring' }],
  [8, { name: 'SLIP', description: 'SLIP' }],
  [9, { name: 'PPP', description: 'PPP' }],
  [10, { name: 'FDDI', description: 'FDDI' }],
  [12, { name: 'RAW', description: 'Raw IP (DLT_RAW as written on some systems)' }],
  [14, { name: 'RAW', description: 'Raw IP (DLT_RAW as written on OpenBSD)' }],
  [50, { name: 'PPP_HDLC', description: 'PPP in HDLC-like framing' }],
  [51, { name: 'PPP_ETHER', description: 'PPPoE' }],
  [100, { name: 'ATM_RFC1483', description: 'ATM RFC 1483 LLC/SNAP' }],
  [101, { name: 'RAW', description: 'Raw IP (no link header)' }],
  [104, { name: 'C_HDLC', description: 'Cisco HDLC' }],
  [105, { name: 'IEEE802_11', description: 'IEEE 802.11 wireless' }],
  [107, { name: 'FRELAY', description: 'Frame Relay' }],
  [108, { name: 'LOOP', description: 'OpenBSD loopback (big-endian)' }],
  [113, { name: 'LINUX_SLL', description: 'Linux cooked (tcpdump -i any)' }],
  [117, { name: 'PFLOG', description: 'OpenBSD pflog' }],
  [119, { name: 'IEEE802_11_PRISM', description: 'IEEE 802.11 with Prism header' }],
  [122, { name: 'IP_OVER_FC', description: 'IP over Fibre Channel' }],
  [127, { name: 'IEEE802_11_RADIOTAP', description: 'IEEE 802.11 with radiotap header' }],
  [143, { name: 'DOCSIS', description: 'DOCSIS' }],
  [163, { name: 'IEEE802_11_AVS', description: 'IEEE 802.11 with AVS header' }],
  [187, { name: 'BLUETOOTH_HCI_H4', description: 'Bluetooth HCI H4' }],
  [192, { name: 'PPI', description: 'Per-Packet Information' }],
  [195, { name: 'IEEE802_15_4_WITHFCS', description: 'IEEE 802.15.4' }],
  [197, { name: 'ERF', description: 'Endace ERF' }],
  [201, { name: 'BLUETOOTH_HCI_H4_WITH_PHDR', description: 'Bluetooth HCI H4 with direction' }],
  [215, { name: 'IEEE802_15_4_NONASK_PHY', description: 'IEEE 802.15.4 with PHY' }],
  [220, { name: 'USB_LINUX_MMAPPED', description: 'Linux USB (memory-mapped)' }],
  [227, { name: 'CAN_SOCKETCAN', description: 'SocketCAN' }],
  [228, { name: 'IPV4', description: 'Raw IPv4' }],
  [229, { name: 'IPV6', description: 'Raw IPv6' }],
  [231, { name: 'DBUS', description: 'D-Bus' }],
  [239, { name: 'NFLOG', description: 'Linux netfilter log (NFLOG)' }],
  [249, { name: 'USBPCAP', description: 'USBPcap (Windows USB)' }],
  [252, { name: 'WIRESHARK_UPPER_PDU', description: 'Wireshark upper-layer PDU' }],
  [253, { name: 'NETLINK', description: 'Linux netlink' }],
  [263, { name: 'VSOCK', description: 'Linux vsock' }],
  [270, { name: 'IPMB_LINUX', description: 'IPMB over I2C (Linux)' }],
  [274, { name: 'ETW', description: 'Event Tracing for Windows' }],
  [276, { name: 'LINUX_SLL2', description: 'Linux cooked v2 (tcpdump -i any)' }],
]);

/** `LINKTYPE_` name without the prefix, e.g. "ETHERNET", or `unknown(N)`. */
export function linkTypeName(linkType: number): string {
  return LINK_TYPES.get(linkType)?.name ?? `unknown(${linkType})`;
}

/** Plain description, e.g. "Linux cooked v2 (tcpdump -i any)", or `unknown link type N`. */
export function linkTypeDescription(linkType: number): string {
  return LINK_TYPES.get(linkType)?.description ?? `unknown link type ${linkType}`;
}
