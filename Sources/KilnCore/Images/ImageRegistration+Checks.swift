extension ImageRegistration {
    /// Makes `image`, whose mappings are resolved, EBS-backed when a mapping of the root
    /// device has a snapshot, else instance-store-backed from the manifest the request names.
    func placeRoot(of image: inout Image, account: AccountID) throws {
        let isInstanceStore = !image.blockDeviceMappings.contains { $0.deviceName == rootDeviceName && $0.ebs != nil }
        guard isInstanceStore else {
            image.rootDeviceName = rootDeviceName
            image.imageLocation = "\(account)/\(name)"
            return
        }
        guard let location = imageLocation, !location.isEmpty else {
            throw CloudError.missingParameter(mappings.isEmpty ? "ImageLocation or BlockDeviceMapping" : "rootDeviceName matching an EBS mapping")
        }
        guard location.hasSuffix(".manifest.xml"), location.contains("/") else {
            throw CloudError.invalidManifestLocation(location)
        }
        image.rootDeviceType = "instance-store"
        image.imageLocation = location
        image.rootDeviceName = rootDeviceName ?? "/dev/sda1"
    }

    /// Checks the boot attributes against the values AWS takes.
    func checkBootAttributes(architecture: String, virtualizationType: String) throws {
        guard ["i386", "x86_64", "arm64", "x86_64_mac", "arm64_mac"].contains(architecture) else {
            throw CloudError.invalidParameterValue("Value (\(architecture)) for parameter architecture is invalid.")
        }
        guard ["hvm", "paravirtual"].contains(virtualizationType) else {
            throw CloudError.invalidParameterValue("Value (\(virtualizationType)) for parameter virtualizationType is invalid.")
        }
        let allowed: [(value: String?, name: String, values: Set<String>)] = [
            (bootMode, "bootMode", ["legacy-bios", "uefi", "uefi-preferred"]),
            (tpmSupport, "tpmSupport", ["v2.0"]),
            (imdsSupport, "imdsSupport", ["v2.0"]),
            (sriovNetSupport, "sriovNetSupport", ["simple"]),
        ]
        for (value, name, values) in allowed {
            if let value, !values.contains(value) {
                throw CloudError.invalidParameterValue("Value (\(value)) for parameter \(name) is invalid.")
            }
        }
    }
}
