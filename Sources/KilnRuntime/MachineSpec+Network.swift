import Crypto
import Foundation
import KilnCore

/// A machine's network: QEMU's user network (slirp), isolated from everything but the
/// metadata service and the ports forwarded from the host.
///
/// The guest's DHCP lease is the instance's private address, its router the subnet's and its
/// DNS the VPC's. The user network's range must hold both those and 169.254.169.254, where
/// a guest connection is handed to the metadata relay; QEMU takes only ranges of /4 or
/// narrower, so the range is 160.0.0.0/4, which holds 172.16.0.0/12 (the default VPC's
/// 172.31.0.0/16 among them). An instance whose addresses lie outside it gets the /4 that
/// holds them, and no metadata service. `restrict=on` keeps the guest from reaching
/// anything else: no address beyond the host is ever contacted.
extension MachineSpec {
    /// The address guests reach the metadata service at.
    static let metadataAddress = "169.254.169.254"
    /// The user network's range when it can hold the metadata address.
    static let metadataRange = IPv4CIDR(address: 160 << 24, prefixLength: 4)
    /// The QEMU id of the network device.
    static let netdevID = "net0"

    /// The `-netdev` and `-device` arguments, or `-net none` without a network.
    var networkArguments: [String] {
        guard let network, let address = IPv4CIDR.parseAddress(network.privateAddress) else { return ["-net", "none"] }
        let range = Self.metadataRange.contains(address) ? Self.metadataRange : IPv4CIDR(address: address, prefixLength: 4).normalized
        var options = [
            "user", "id=\(Self.netdevID)", "net=\(range)", "host=\(network.router)", "dhcpstart=\(network.privateAddress)",
            "dns=\(network.dns)", "restrict=on", "hostname=\(hostname(network))",
        ]
        if let metadataCommand, range == Self.metadataRange {
            options.append("guestfwd=tcp:\(Self.metadataAddress):80-cmd:\(metadataCommand)")
        }
        return ["-netdev", options.joined(separator: ","), "-device", "virtio-net-pci,netdev=\(Self.netdevID),mac=\(network.macAddress)"]
    }

    /// The guest's host name, as EC2's resource-based names spell it.
    private func hostname(_ network: MachineNetwork) -> String {
        "ip-" + network.privateAddress.replacingOccurrences(of: ".", with: "-")
    }

    /// The SMBIOS system UUID and serial number: both begin with `ec2`, which is how
    /// cloud-init's EC2 datasource knows a Nitro machine; the rest comes from the instance id.
    var systemUUID: String {
        let hex = SHA256.hash(data: Array(instanceID.utf8)).map { String(format: "%02x", $0) }.joined()
        let digits = Array("ec2" + hex.dropFirst(3).prefix(29))
        let groups = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(digits[$0]) }
        return groups.joined(separator: "-")
    }

    /// The QEMU monitor command that forwards `port` of the host's `address` to the guest's.
    static func forwardCommand(adding: Bool, address: String, port: Int) -> String {
        adding ? "hostfwd_add \(netdevID) tcp:\(address):\(port)-:\(port)" : "hostfwd_remove \(netdevID) tcp:\(address):\(port)"
    }
}
