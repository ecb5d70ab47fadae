import Foundation

/// Launch templates and their versions.
package struct LaunchTemplateService: CloudService {
    package let context: CloudContext
}

/// Launch templates and their versions.
extension LaunchTemplateService {

    /// The caller's template by id or by name (exactly one of them).
    func ownedLaunchTemplate(id: String?, name: String?, caller: Caller, in transaction: any MetadataTransaction) throws -> LaunchTemplate {
        if id != nil, name != nil {
            throw CloudError.invalidParameterCombination("Specify either the launch template ID or the launch template name, not both.")
        }
        if let id {
            guard ResourcePrefix.launchTemplate.matches(id) else {
                throw CloudError.malformedLaunchTemplateID(id)
            }
            guard let template = try transaction.fetch(LaunchTemplate.self, id: id), template.owner == caller.account,
                template.region == caller.region
            else {
                throw CloudError.launchTemplateNotFound(id: id, name: nil)
            }
            return template
        }
        guard let name else { throw CloudError.missingParameter("LaunchTemplateId or LaunchTemplateName") }
        guard
            let template = try transaction.fetchAll(LaunchTemplate.self, region: caller.region, owner: caller.account).first(where: {
                $0.name == name
            })
        else {
            throw CloudError.launchTemplateNotFound(id: nil, name: name)
        }
        return template
    }

    /// Checks what a version may hold before it is stored.
    private func validate(_ data: LaunchTemplateData) throws {
        if let type = data.instanceType, InstanceTypeCatalog.info(type) == nil {
            throw CloudError.invalidParameterValue("Invalid value '\(type)' for InstanceType.")
        }
        if let imageID = data.imageID, !imageID.hasPrefix("resolve:ssm:"), !ResourcePrefix.image.matches(imageID) {
            throw CloudError.malformedImageID(imageID)
        }
        for tags in (data.tags ?? [:]).values { for tag in tags { try tag.validate() } }
    }

    /// CreateLaunchTemplate: a template whose version 1 is its default and latest.
    package func createLaunchTemplate(
        _ caller: Caller,
        name: String,
        versionDescription: String?,
        data: LaunchTemplateData,
        tags: [Tag],
        clientToken: String? = nil
    ) async throws -> LaunchTemplate {
        try LaunchTemplateName.validate(name)
        try validate(data)
        for tag in tags { try tag.validate() }
        let id = ids.resourceID(.launchTemplate)
        let now = clock.now
        return try await write(caller) { transaction in
            if let clientToken, let earlierID = try transaction.claimedResource(of: clientToken, by: .createLaunchTemplate, caller: caller),
                let earlier = try transaction.fetch(LaunchTemplate.self, id: earlierID)
            {
                return earlier
            }
            if try transaction.fetchAll(LaunchTemplate.self, region: caller.region, owner: caller.account).contains(where: { $0.name == name }) {
                throw CloudError.duplicateLaunchTemplateName
            }
            let version = LaunchTemplate.Version(number: 1, description: versionDescription, createTime: now, createdBy: caller.arn, data: data)
            let template = LaunchTemplate(
                id: id,
                owner: caller.account,
                region: caller.region,
                name: name,
                createTime: now,
                createdBy: caller.arn,
                defaultVersion: 1,
                latestVersion: 1,
                versions: [version]
            )
            try transaction.save(template)
            for tag in tags {
                try transaction.putTag(tag, on: id, resourceType: "launch-template", by: caller.account, region: caller.region)
            }
            if let clientToken {
                try transaction.claimClientToken(clientToken, by: .createLaunchTemplate, caller: caller, resourceID: id)
            }
            return template
        }
    }

    /// CreateLaunchTemplateVersion: a new latest version, from `data` alone or laid over a source version.
    package func createLaunchTemplateVersion(
        _ caller: Caller,
        id: String?,
        name: String?,
        sourceVersion: String?,
        versionDescription: String?,
        data: LaunchTemplateData
    ) async throws -> (LaunchTemplate, LaunchTemplate.Version) {
        try validate(data)
        let now = clock.now
        return try await write(caller) { transaction in
            var template = try ownedLaunchTemplate(id: id, name: name, caller: caller, in: transaction)
            var merged = data
            if let sourceVersion {
                guard let source = template.version(sourceVersion) else {
                    throw CloudError.launchTemplateVersionNotFound(sourceVersion, template: template)
                }
                merged = source.data.overridden(by: data)
            }
            guard template.versions.count < 10_000 else {
                throw CloudError.launchTemplateVersionLimit(template.id)
            }
            template.latestVersion += 1
            let version = LaunchTemplate.Version(
                number: template.latestVersion,
                description: versionDescription,
                createTime: now,
                createdBy: caller.arn,
                data: merged
            )
            template.versions.append(version)
            try transaction.save(template)
            return (template, version)
        }
    }

    /// DescribeLaunchTemplates: the caller's templates by id, by name, or filtered.
    package func describeLaunchTemplates(
        _ caller: Caller,
        ids requested: [String]?,
        names: [String]?,
        filters: [Filter],
        page: PageRequest
    ) async throws -> (templates: [(LaunchTemplate, [Tag])], nextToken: String?) {
        let filterSet = try FilterSet(filters, supported: DocumentedFilters.describeLaunchTemplates, allowsTags: true)
        let admits = { (template: LaunchTemplate, tags: [Tag]) in
            filterSet.admits { name in
                if let values = FilterSet.tagValues(name, tags: tags) { return values }
                switch name {
                case "create-time": return [template.createTime.iso8601Text]
                case "launch-template-name": return [template.name]
                default: return []
                }
            }
        }
        if (requested ?? []).isEmpty, (names ?? []).isEmpty {
            return try await describeOwned(
                caller,
                LaunchTemplate.self,
                ids: nil,
                notFound: { CloudError.launchTemplateNotFound(id: $0.first, name: nil) },
                page: page,
                admits: admits
            )
        }
        let named: [(LaunchTemplate, [Tag])] = try await read(caller) { transaction in
            var templates: [LaunchTemplate] = []
            for id in requested ?? [] { templates.append(try self.ownedLaunchTemplate(id: id, name: nil, caller: caller, in: transaction)) }
            for name in names ?? [] { templates.append(try self.ownedLaunchTemplate(id: nil, name: name, caller: caller, in: transaction)) }
            let tags = try transaction.tags(on: templates.map(\.id), by: caller.account)
            return templates.map { ($0, tags[$0.id] ?? []) }
        }
        let (items, nextToken) = try page.page(of: named.filter(admits))
        return (items, nextToken)
    }

    /// DescribeLaunchTemplateVersions: versions of one template by number or alias, or across
    /// templates (`$Latest` / `$Default` only), optionally bounded.
    package func describeLaunchTemplateVersions(
        _ caller: Caller,
        id: String?,
        name: String?,
        versions: [String]?,
        minVersion: Int?,
        maxVersion: Int?,
        page: PageRequest
    ) async throws -> (versions: [(LaunchTemplate, LaunchTemplate.Version)], nextToken: String?) {
        let found: [(LaunchTemplate, LaunchTemplate.Version)] = try await read(caller) { transaction in
            let templates: [LaunchTemplate]
            if id != nil || name != nil {
                templates = [try self.ownedLaunchTemplate(id: id, name: name, caller: caller, in: transaction)]
            } else {
                guard let versions, !versions.isEmpty, versions.allSatisfy({ $0 == "$Latest" || $0 == "$Default" }) else {
                    throw CloudError.invalidParameterCombination(
                        "Without a launch template, only the $Latest and $Default versions can be described."
                    )
                }
                templates = try transaction.fetchAll(LaunchTemplate.self, region: caller.region, owner: caller.account)
            }
            var result: [(LaunchTemplate, LaunchTemplate.Version)] = []
            for template in templates {
                if let versions, !versions.isEmpty {
                    for specifier in versions {
                        guard let version = template.version(specifier) else {
                            throw CloudError.launchTemplateVersionNotFound(specifier, template: template)
                        }
                        if !result.contains(where: { $0.0.id == template.id && $0.1.number == version.number }) { result.append((template, version)) }
                    }
                } else {
                    result += template.versions.reversed().map { (template, $0) }
                }
            }
            return result.filter { _, version in
                (minVersion.map { version.number >= $0 } ?? true) && (maxVersion.map { version.number <= $0 } ?? true)
            }
        }
        let (items, nextToken) = try page.page(of: found)
        return (items, nextToken)
    }

    /// ModifyLaunchTemplate: sets the default version.
    package func modifyLaunchTemplate(_ caller: Caller, id: String?, name: String?, defaultVersion: String?) async throws -> LaunchTemplate {
        try await write(caller) { transaction in
            var template = try ownedLaunchTemplate(id: id, name: name, caller: caller, in: transaction)
            if let defaultVersion {
                guard let version = template.version(defaultVersion) else {
                    throw CloudError.launchTemplateVersionNotFound(defaultVersion, template: template)
                }
                template.defaultVersion = version.number
                try transaction.save(template)
            }
            return template
        }
    }

    /// DeleteLaunchTemplate: the template and every version.
    package func deleteLaunchTemplate(_ caller: Caller, id: String?, name: String?) async throws -> LaunchTemplate {
        try await write(caller) { transaction in
            let template = try ownedLaunchTemplate(id: id, name: name, caller: caller, in: transaction)
            try transaction.delete(LaunchTemplate.self, id: template.id)
            return template
        }
    }

    /// DeleteLaunchTemplateVersions: each version deleted, or the reason it was not (the default
    /// version stays; delete the template instead).
    package func deleteLaunchTemplateVersions(
        _ caller: Caller,
        id: String?,
        name: String?,
        versions: [String]
    ) async throws -> (template: LaunchTemplate, deleted: [Int], failed: [(version: String, code: String, message: String)]) {
        try await write(caller) { transaction in
            var template = try ownedLaunchTemplate(id: id, name: name, caller: caller, in: transaction)
            var deleted: [Int] = []
            var failed: [(String, String, String)] = []
            for specifier in versions {
                guard let number = Int(specifier), let index = template.versions.firstIndex(where: { $0.number == number }) else {
                    failed.append((specifier, "launchTemplateVersionDoesNotExist", "The specified launch template version does not exist."))
                    continue
                }
                guard number != template.defaultVersion else {
                    failed.append(
                        (
                            specifier, "unexpectedError",
                            "You cannot delete the default version of a launch template. Delete the launch template instead."
                        )
                    )
                    continue
                }
                template.versions.remove(at: index)
                deleted.append(number)
            }
            try transaction.save(template)
            return (template, deleted, failed)
        }
    }

    /// GetLaunchTemplateData: launch parameters that would launch a copy of an instance.
    package func launchTemplateData(_ caller: Caller, instanceID: String) async throws -> LaunchTemplateData {
        try await read(caller) { transaction in
            let instance = try context.instances.ownedInstance(instanceID, caller: caller, in: transaction)
            var data = LaunchTemplateData()
            data.imageID = instance.imageID
            data.instanceType = instance.instanceType
            data.keyName = instance.keyName
            data.iamInstanceProfile = instance.iamInstanceProfile.map { InstanceProfileSpecification(arn: $0.arn, name: nil) }
            data.userData = instance.userData
            data.availabilityZone = instance.availabilityZone
            data.disableApiTermination = instance.disableApiTermination
            data.disableApiStop = instance.disableApiStop
            data.shutdownBehavior = instance.shutdownBehavior.rawValue
            data.ebsOptimized = instance.ebsOptimized
            let options = instance.metadataOptionsInForce
            data.metadataOptions = InstanceMetadataOptionsChange(
                httpTokens: options.httpTokens,
                httpPutResponseHopLimit: options.httpPutResponseHopLimit,
                httpEndpoint: options.httpEndpoint,
                httpProtocolIPv6: options.httpProtocolIPv6,
                instanceMetadataTags: options.instanceMetadataTags
            )
            data.securityGroupIDs = instance.securityGroupIDs.isEmpty ? nil : instance.securityGroupIDs
            if let network = instance.network {
                // As on AWS, the subnet and groups come back as the primary interface.
                data.networkInterfaces = [network.launchInterface]
                data.securityGroupIDs = nil
            }
            data.mappings = try instance.devices.map { device in
                let volume = try transaction.fetch(Volume.self, id: device.volumeID)
                return ImageRegistration.Mapping(
                    deviceName: device.deviceName,
                    volumeSize: volume?.size,
                    volumeType: volume?.type.rawValue,
                    deleteOnTermination: device.deleteOnTermination,
                    encrypted: volume?.encrypted,
                    iops: volume?.iops,
                    throughput: volume?.throughput
                )
            }
            let tags = try transaction.tags(on: instance.id, by: caller.account)
            if !tags.isEmpty { data.tags = ["instance": tags] }
            return data
        }
    }
}
