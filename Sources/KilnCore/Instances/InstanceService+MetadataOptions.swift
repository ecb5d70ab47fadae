/// ModifyInstanceMetadataOptions.
extension InstanceService {
    /// Changes how an instance's metadata service answers; the change applies at once, to a
    /// running instance too. Returns the options now in force.
    package func modifyInstanceMetadataOptions(_ caller: Caller, id: String, change: InstanceMetadataOptionsChange) async throws
        -> InstanceMetadataOptions
    {
        try await write(caller) { transaction in
            var instance = try ownedInstance(id, caller: caller, in: transaction)
            guard instance.state != .terminated, instance.state != .shuttingDown else { throw CloudError.instanceNotFound([id]) }
            let options = try instance.metadataOptionsInForce.changed(by: change)
            instance.metadataOptions = options
            try transaction.save(instance)
            return options
        }
    }
}
