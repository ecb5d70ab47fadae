/// Every instance type in botocore's EC2 model, with the facts AWS's DescribeInstanceTypes
/// gives for it where they are known (see `Generated/InstanceTypeTable.swift`).
package enum InstanceTypeCatalog {
    /// A type by name, if AWS has it.
    package static func info(_ name: String) -> InstanceTypeInfo? { byName[name] }

    /// Every type whose facts are known, by name.
    package static let all: [InstanceTypeInfo] = everyType.filter(\.factsKnown)

    /// Every type of the model, facts known or not.
    static let everyType: [InstanceTypeInfo] = table.split(separator: "\n").compactMap(parse)

    private static let byName: [String: InstanceTypeInfo] = Dictionary(uniqueKeysWithValues: everyType.map { ($0.name, $0) })

    /// A line of the table: name|architectures|vCPUs|MiB|storage GB|hypervisor|boot modes|current.
    private static func parse(_ line: Substring) -> InstanceTypeInfo? {
        let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
        guard fields.count == 8 else { return nil }
        let list = { (field: String) in field.split(separator: ",").map(String.init) }
        return InstanceTypeInfo(
            name: fields[0],
            architectures: list(fields[1]),
            vCPUs: Int(fields[2]) ?? 1,
            memoryMiB: Int(fields[3]) ?? 1024,
            instanceStorageGB: Int(fields[4]),
            hypervisor: fields[5],
            bootModes: list(fields[6]),
            currentGeneration: fields[7] == "1",
            factsKnown: !fields[1].isEmpty
        )
    }
}
