import KilnWire

extension FuzzTarget {
    /// Operations whose inputs reach far into the generated shapes: lists of structures,
    /// maps, nested structures, blobs, timestamps, numbers and enumerations.
    static let queryOperations: [any WireOperation.Type] = [
        EC2.RunInstances.self, EC2.DescribeImages.self, EC2.RegisterImage.self, EC2.CopyImage.self,
        EC2.CreateLaunchTemplate.self, EC2.ModifyImageAttribute.self, EC2.AuthorizeSecurityGroupIngress.self,
        EC2.CreateTags.self, EC2.DescribeSnapshots.self, EC2.CreateVolume.self, EC2.ImportKeyPair.self,
        EC2.CreateStoreImageTask.self, EC2.ModifyInstanceAttribute.self,
        AutoScaling.CreateAutoScalingGroup.self, AutoScaling.StartInstanceRefresh.self, AutoScaling.CreateLaunchConfiguration.self,
    ]

    static let jsonOperations: [any WireOperation.Type] = [
        KMS.CreateKey.self, KMS.Encrypt.self, KMS.CreateGrant.self, KMS.ReEncrypt.self, KMS.PutKeyPolicy.self,
        SSM.PutParameter.self, SSM.GetParametersByPath.self, SSM.GetParameters.self,
    ]

    static let restOperations: [any WireOperation.Type] = [
        EBS.StartSnapshot.self, EBS.PutSnapshotBlock.self, EBS.GetSnapshotBlock.self, EBS.ListSnapshotBlocks.self,
        EBS.ListChangedBlocks.self, EBS.CompleteSnapshot.self,
    ]

    static func decode<Operation: WireOperation>(_ operation: Operation.Type, _ reader: WireReader) {
        _ = try? Operation.Input(wire: reader)
    }

    /// The Query protocol's form body (EC2, Auto Scaling, STS), decoded into request shapes.
    static let queryForm = FuzzTarget("query-form") { bytes in
        let form = FormInput(bytes)
        _ = FormInput.decode(bytes)
        guard case .object(let members) = form.tree else { return }
        let reader = WireReader(members: members)
        for operation in queryOperations { decode(operation, reader) }
    }

    /// A JSON 1.1 body (KMS, SSM), decoded into request shapes.
    static let jsonShapes = FuzzTarget("json-shapes") { bytes in
        guard case .object(let members)? = try? JSONInput.parse(bytes) else { return }
        let reader = WireReader(members: members)
        for operation in jsonOperations { decode(operation, reader) }
    }

    /// A REST-JSON request (EBS direct): labels, query and headers from the first parts, the
    /// JSON body or blob payload from the rest.
    static let restJSON = FuzzTarget("rest-json") { bytes in
        let parts = FuzzInput.strings(bytes, 5)
        let labels = ["SnapshotId": parts[0], "BlockIndex": parts[1]]
        let query = FormInput(Array(parts[2].utf8)).parameters
        var headers: [String: String] = [:]
        for line in parts[3].split(separator: "\n") {
            let pair = line.split(separator: ":", maxSplits: 1)
            if pair.count == 2 { headers[pair[0].lowercased()] = String(pair[1]) }
        }
        let payload = Array(parts[4].utf8)
        var members: [String: WireNode] = [:]
        if case .object(let body)? = try? JSONInput.parse(payload) { members = body }
        let reader = WireReader(members: members, rest: RESTRequestParts(labels: labels, query: query, headers: headers, payload: payload))
        for operation in restOperations { decode(operation, reader) }
    }
}
