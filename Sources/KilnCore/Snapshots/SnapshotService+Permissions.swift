/// DescribeSnapshotAttribute, ModifySnapshotAttribute and ResetSnapshotAttribute: who may
/// create volumes from a snapshot.
extension SnapshotService {
    /// The snapshot's `createVolumePermission`: account ids, and `all` when it is public.
    package func snapshotPermissions(_ caller: Caller, snapshotID: String, attribute: String) async throws -> [String] {
        guard attribute == "createVolumePermission" || attribute == "productCodes" else {
            throw CloudError.invalidParameterValue("Value (\(attribute)) for parameter attribute is invalid.")
        }
        return try await read(caller) { transaction in
            let snapshot = try transaction.ownSnapshot(snapshotID, caller: caller)
            return attribute == "productCodes" ? [] : snapshot.createVolumePermissions ?? []
        }
    }

    /// Adds and removes create-volume permissions; `all` makes the snapshot public, which an
    /// encrypted snapshot cannot be.
    package func modifySnapshotPermissions(_ caller: Caller, snapshotID: String, add: [String], remove: [String]) async throws {
        guard !add.isEmpty || !remove.isEmpty else { throw CloudError.missingParameter("CreateVolumePermission, UserId or UserGroup") }
        for grantee in add + remove where grantee != "all" && AccountID(grantee) == nil {
            throw CloudError.malformedUserID(grantee)
        }
        try await write(caller) { transaction in
            var snapshot = try transaction.ownSnapshot(snapshotID, caller: caller)
            if add.contains("all"), snapshot.encrypted {
                throw CloudError.defaultKeySnapshotCannotBePublic
            }
            if snapshot.encrypted, snapshot.kmsKeyID == DefaultEBSKey.arn(account: snapshot.owner, region: snapshot.region), !add.isEmpty {
                throw CloudError.defaultKeySnapshotCannotBeShared
            }
            var grants = snapshot.createVolumePermissions ?? []
            for grantee in add where !grants.contains(grantee) { grants.append(grantee) }
            grants.removeAll { remove.contains($0) }
            snapshot.createVolumePermissions = grants.isEmpty ? nil : grants
            try transaction.save(snapshot)
        }
    }

    /// ResetSnapshotAttribute: no one but the owner may create volumes from it.
    package func resetSnapshotPermissions(_ caller: Caller, snapshotID: String, attribute: String) async throws {
        guard attribute == "createVolumePermission" else {
            throw CloudError.invalidParameterValue("Only createVolumePermission can be reset.")
        }
        try await write(caller) { transaction in
            var snapshot = try transaction.ownSnapshot(snapshotID, caller: caller)
            snapshot.createVolumePermissions = nil
            try transaction.save(snapshot)
        }
    }
}
