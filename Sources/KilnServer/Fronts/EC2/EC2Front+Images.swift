import Foundation
import KilnCore
import KilnWire
import Logging

extension EC2Front {
    static func registerImages(in operations: inout OperationTable, cloud: Cloud, hygieneCheck: HygieneCheck = .off) {
        registerImageRegistration(in: &operations, cloud: cloud)
        registerImageAttributes(in: &operations, cloud: cloud, hygieneCheck: hygieneCheck)
        registerImageLifecycle(in: &operations, cloud: cloud)
        registerSnapshotAttributes(in: &operations, cloud: cloud)
    }

    /// RegisterImage, DescribeImages and DeregisterImage.
    static func registerImageRegistration(in operations: inout OperationTable, cloud: Cloud) {
        operations.on(EC2.RegisterImage.self) { input, caller in
            EC2.RegisterImageResult(imageId: try await cloud.images.registerImage(caller, try registration(input)))
        }

        operations.on(EC2.DescribeImages.self) { input, caller in
            if let maxResults = input.maxResults, !(1...1000).contains(maxResults) {
                throw CloudError.invalidParameterValue(
                    "Value ( \(maxResults) ) for parameter maxResults is invalid. Expecting a value between 1 and 1000."
                )
            }
            let request = ImageDescription(
                ids: input.imageIds,
                owners: input.owners,
                executableUsers: input.executableUsers,
                filters: filters(input.filters),
                includeDeprecated: input.includeDeprecated ?? false,
                includeDisabled: input.includeDisabled ?? false
            )
            let page = try cloud.context.pageRequest(
                "DescribeImages",
                caller: caller,
                maxResults: input.maxResults,
                nextToken: input.nextToken,
                allowed: 1...1000,
                parameters: [
                    String(describing: input.imageIds), String(describing: input.owners), String(describing: input.executableUsers),
                    String(describing: input.filters), String(describing: input.includeDeprecated), String(describing: input.includeDisabled),
                ]
            )
            let (images, nextToken) = try await cloud.images.describeImages(caller, request, page: page)
            let now = cloud.clock.now
            return EC2.DescribeImagesResult(images: images.map { wireImage($0.0, tags: $0.1, now: now) }, nextToken: nextToken)
        }

        operations.on(EC2.DeregisterImage.self) { input, caller in
            let results = try await cloud.images.deregisterImage(
                caller,
                id: input.imageId,
                deleteAssociatedSnapshots: input.deleteAssociatedSnapshots ?? false
            )
            return EC2.DeregisterImageResult(
                deleteSnapshotResults: results.isEmpty
                    ? nil : results.map { EC2.DeleteSnapshotReturnCode(returnCode: .init(rawValue: $0.code), snapshotId: $0.snapshotID) },
                return: true
            )
        }
    }

    /// RegisterImage's request as the image service takes it.
    static func registration(_ input: EC2.RegisterImageRequest) throws -> ImageRegistration {
        var request = ImageRegistration(
            name: input.name,
            rootDeviceName: input.rootDeviceName,
            mappings: (input.blockDeviceMappings ?? []).map(mapping),
            imageLocation: input.imageLocation,
            tags: try tags(of: input.tagSpecifications, for: "image")
        )
        request.description = input.description
        request.architecture = input.architecture?.rawValue
        request.virtualizationType = input.virtualizationType
        request.bootMode = input.bootMode?.rawValue
        request.enaSupport = input.enaSupport
        request.sriovNetSupport = input.sriovNetSupport
        request.tpmSupport = input.tpmSupport?.rawValue
        request.imdsSupport = input.imdsSupport?.rawValue
        request.uefiData = input.uefiData
        request.kernelID = input.kernelId
        request.ramdiskID = input.ramdiskId
        request.billingProducts = input.billingProducts ?? []
        return request
    }

    /// The image attribute calls and launch permissions.
    static func registerImageAttributes(in operations: inout OperationTable, cloud: Cloud, hygieneCheck: HygieneCheck) {
        operations.on(EC2.DescribeImageAttribute.self) { input, caller in
            let attribute = input.attribute.rawValue
            let image = try await cloud.images.imageAttribute(caller, imageID: input.imageId, attribute: attribute)
            return wireImageAttribute(image, attribute: attribute, now: cloud.clock.now)
        }

        operations.on(EC2.ModifyImageAttribute.self) { input, caller in
            try await modifyImageAttribute(input, caller: caller, cloud: cloud, hygieneCheck: hygieneCheck)
            return EmptyOutput()
        }

        operations.on(EC2.ResetImageAttribute.self) { input, caller in
            try await cloud.images.resetImageAttribute(caller, imageID: input.imageId, attribute: input.attribute.rawValue)
            return EmptyOutput()
        }

        operations.on(EC2.CancelImageLaunchPermission.self) { input, caller in
            try await cloud.images.cancelImageLaunchPermission(caller, imageID: input.imageId)
            return EC2.CancelImageLaunchPermissionResult(return: true)
        }
    }

    /// Deprecation, disabling, deregistration protection and block public access.
    static func registerImageLifecycle(in operations: inout OperationTable, cloud: Cloud) {
        operations.on(EC2.EnableImageDeprecation.self) { input, caller in
            try await cloud.images.deprecateImage(caller, imageID: input.imageId, at: input.deprecateAt)
            return EC2.EnableImageDeprecationResult(return: true)
        }
        operations.on(EC2.DisableImageDeprecation.self) { input, caller in
            try await cloud.images.deprecateImage(caller, imageID: input.imageId, at: nil)
            return EC2.DisableImageDeprecationResult(return: true)
        }
        operations.on(EC2.DisableImage.self) { input, caller in
            try await cloud.images.setImageDisabled(caller, imageID: input.imageId, disabled: true)
            return EC2.DisableImageResult(return: true)
        }
        operations.on(EC2.EnableImage.self) { input, caller in
            try await cloud.images.setImageDisabled(caller, imageID: input.imageId, disabled: false)
            return EC2.EnableImageResult(return: true)
        }
        operations.on(EC2.EnableImageDeregistrationProtection.self) { input, caller in
            EC2.EnableImageDeregistrationProtectionResult(
                return: wireProtection(
                    try await cloud.images.setDeregistrationProtection(
                        caller,
                        imageID: input.imageId,
                        enabled: true,
                        withCooldown: input.withCooldown ?? false
                    )
                )
            )
        }
        operations.on(EC2.DisableImageDeregistrationProtection.self) { input, caller in
            EC2.DisableImageDeregistrationProtectionResult(
                return: wireProtection(
                    try await cloud.images.setDeregistrationProtection(caller, imageID: input.imageId, enabled: false, withCooldown: false)
                )
            )
        }
        operations.on(EC2.GetImageBlockPublicAccessState.self) { _, caller in
            EC2.GetImageBlockPublicAccessStateResult(
                imageBlockPublicAccessState: try await cloud.accountSettings.imageBlockPublicAccess(caller, set: nil),
                managedBy: .account
            )
        }
        operations.on(EC2.EnableImageBlockPublicAccess.self) { input, caller in
            guard input.imageBlockPublicAccessState.rawValue == "block-new-sharing" else {
                throw CloudError.invalidParameterValue("ImageBlockPublicAccessState must be block-new-sharing.")
            }
            return EC2.EnableImageBlockPublicAccessResult(
                imageBlockPublicAccessState: .init(rawValue: try await cloud.accountSettings.imageBlockPublicAccess(caller, set: true))
            )
        }
        operations.on(EC2.DisableImageBlockPublicAccess.self) { _, caller in
            EC2.DisableImageBlockPublicAccessResult(
                imageBlockPublicAccessState: .init(rawValue: try await cloud.accountSettings.imageBlockPublicAccess(caller, set: false))
            )
        }
    }

    /// The snapshot attribute calls: createVolumePermission.
    static func registerSnapshotAttributes(in operations: inout OperationTable, cloud: Cloud) {
        operations.on(EC2.DescribeSnapshotAttribute.self) { input, caller in
            let grants = try await cloud.snapshots.snapshotPermissions(caller, snapshotID: input.snapshotId, attribute: input.attribute.rawValue)
            return EC2.DescribeSnapshotAttributeResult(
                createVolumePermissions: input.attribute.rawValue == "createVolumePermission"
                    ? grants.map { $0 == "all" ? EC2.CreateVolumePermission(group: .all) : EC2.CreateVolumePermission(userId: $0) } : nil,
                productCodes: input.attribute.rawValue == "productCodes" ? [] : nil,
                snapshotId: input.snapshotId
            )
        }
        operations.on(EC2.ModifySnapshotAttribute.self) { input, caller in
            func grantee(_ permission: EC2.CreateVolumePermission) -> String { permission.group?.rawValue ?? permission.userId ?? "" }
            var add = (input.createVolumePermission?.add ?? []).map(grantee)
            var remove = (input.createVolumePermission?.remove ?? []).map(grantee)
            let flat = (input.userIds ?? []) + (input.groupNames ?? [])
            // As for images: the flat form beside a structured one without an OperationType repeats it.
            if !flat.isEmpty, input.operationType != nil || input.createVolumePermission == nil {
                switch input.operationType?.rawValue {
                case "add": add += flat
                case "remove": remove += flat
                default: throw CloudError.missingParameter("OperationType")
                }
            }
            if let attribute = input.attribute?.rawValue, attribute != "createVolumePermission" {
                throw CloudError.invalidParameterValue("Only createVolumePermission can be modified.")
            }
            try await cloud.snapshots.modifySnapshotPermissions(caller, snapshotID: input.snapshotId, add: add, remove: remove)
            return EmptyOutput()
        }
        operations.on(EC2.ResetSnapshotAttribute.self) { input, caller in
            try await cloud.snapshots.resetSnapshotPermissions(caller, snapshotID: input.snapshotId, attribute: input.attribute.rawValue)
            return EmptyOutput()
        }
    }

    static func launchPermission(_ wire: EC2.LaunchPermission) throws -> Image.LaunchPermission {
        try ImageService.launchPermission(
            userID: wire.userId,
            group: wire.group?.rawValue,
            organizationARN: wire.organizationArn,
            organizationalUnitARN: wire.organizationalUnitArn
        )
    }

    static func wireLaunchPermission(_ grant: Image.LaunchPermission) -> EC2.LaunchPermission {
        switch grant {
        case .all: return EC2.LaunchPermission(group: .all)
        case .account(let account): return EC2.LaunchPermission(userId: account.rawValue)
        case .organization(let arn): return EC2.LaunchPermission(organizationArn: arn)
        case .organizationalUnit(let arn): return EC2.LaunchPermission(organizationalUnitArn: arn)
        }
    }

    static func wireProductCode(_ code: Image.ProductCode) -> EC2.ProductCode {
        EC2.ProductCode(productCodeId: code.id, productCodeType: .init(rawValue: code.type))
    }

    static func wireImage(_ image: Image, tags: [Tag], now: Date) -> EC2.Image {
        EC2.Image(
            architecture: .init(rawValue: image.architecture),
            blockDeviceMappings: image.blockDeviceMappings.map { mapping in
                EC2.BlockDeviceMapping(
                    deviceName: mapping.deviceName,
                    ebs: mapping.ebs.map { ebs in
                        EC2.EbsBlockDevice(
                            deleteOnTermination: ebs.deleteOnTermination,
                            encrypted: ebs.encrypted,
                            iops: ebs.iops,
                            kmsKeyId: ebs.kmsKeyID,
                            snapshotId: ebs.snapshotID,
                            throughput: ebs.throughput,
                            volumeSize: ebs.volumeSize,
                            volumeType: .init(rawValue: ebs.volumeType.rawValue)
                        )
                    },
                    noDevice: mapping.noDevice ? "" : nil,
                    virtualName: mapping.virtualName
                )
            },
            bootMode: image.bootMode.map { .init(rawValue: $0) },
            creationDate: Timestamp.iso8601(image.creationDate),
            deprecationTime: image.deprecationTime.map(Timestamp.iso8601),
            deregistrationProtection: wireProtection(image.deregistrationProtection, now: now),
            description: image.description,
            enaSupport: image.enaSupport,
            freeTierEligible: false,
            hypervisor: .xen,
            imageId: image.id,
            imageLocation: image.imageLocation,
            imageOwnerAlias: image.ownerAlias,
            imageType: .machine,
            imdsSupport: image.imdsSupport.map { .init(rawValue: $0) },
            kernelId: image.kernelID,
            lastLaunchedTime: image.lastLaunchedTime.map(Timestamp.iso8601),
            name: image.name,
            ownerId: image.owner.rawValue,
            platform: image.platform.map { .init(rawValue: $0) },
            platformDetails: image.platformDetails,
            productCodes: image.productCodes.isEmpty ? nil : image.productCodes.map(wireProductCode),
            public: image.isPublic,
            ramdiskId: image.ramdiskID,
            rootDeviceName: image.rootDeviceName,
            rootDeviceType: .init(rawValue: image.rootDeviceType),
            sourceImageId: image.sourceImageID,
            sourceImageRegion: image.sourceRegion,
            sourceInstanceId: image.sourceInstanceID,
            sriovNetSupport: image.sriovNetSupport,
            state: .init(rawValue: image.state.rawValue),
            stateReason: image.stateReason.map { EC2.StateReason(code: $0.code, message: $0.message) },
            tags: wireTags(tags),
            tpmSupport: image.tpmSupport.map { .init(rawValue: $0) },
            usageOperation: image.usageOperation,
            virtualizationType: .init(rawValue: image.virtualizationType)
        )
    }
}

extension EC2Front {
    static func registerImageLineage(in operations: inout OperationTable, cloud: Cloud) {
        operations.on(EC2.GetImageAncestry.self) { input, caller in
            let chain = try await cloud.images.imageAncestry(caller, imageID: input.imageId)
            return EC2.GetImageAncestryResult(
                imageAncestryEntries: chain.map { image in
                    EC2.ImageAncestryEntry(
                        creationDate: image.creationDate,
                        imageId: image.id,
                        imageOwnerAlias: image.ownerAlias,
                        sourceImageId: image.sourceImageID,
                        sourceImageRegion: image.sourceRegion
                    )
                }
            )
        }
        operations.on(EC2.DescribeImageReferences.self) { input, caller in
            let references = try await cloud.images.imageReferences(
                caller,
                imageIDs: input.imageIds,
                resourceTypes: input.resourceTypes?.compactMap { $0.resourceType?.rawValue },
                includeAll: input.includeAllResourceTypes ?? false
            )
            let page = try cloud.context.pageRequest(
                "DescribeImageReferences",
                caller: caller,
                maxResults: input.maxResults,
                nextToken: input.nextToken,
                allowed: 5...1000,
                parameters: [
                    String(describing: input.imageIds), String(describing: input.resourceTypes), String(describing: input.includeAllResourceTypes),
                ]
            ).page(of: references)
            return EC2.DescribeImageReferencesResult(
                imageReferences: page.items.map {
                    EC2.ImageReference(arn: $0.arn, imageId: $0.imageID, resourceType: .init(rawValue: $0.resourceType))
                },
                nextToken: page.nextToken
            )
        }
    }

    /// DeregistrationProtection as DescribeImages writes it.
    static func wireProtection(_ protection: DeregistrationProtection, now: Date) -> String {
        switch protection {
        case .disabled: return "disabled"
        case .enabled(let cooldown): return cooldown ? "enabled-with-cooldown" : "enabled-without-cooldown"
        case .disabledUntil(let date): return date > now ? "disabled-until \(date.formatted(Date.ISO8601FormatStyle()))" : "disabled"
        }
    }

    static func wireProtection(_ change: (protection: DeregistrationProtection, at: Date)) -> String {
        wireProtection(change.protection, now: change.at)
    }

    /// `kiln serve --hygiene-check`: before a share, the image's high-severity findings are
    /// logged (`warn`) or refuse it (`refuse`).
    static func checkHygiene(cloud: Cloud, caller: Caller, imageID: String, mode: HygieneCheck) async throws {
        let findings = try await cloud.inspection.checkBeforeSharing(caller, imageID: imageID, mode: mode)
        guard !findings.isEmpty else { return }
        Logger(label: "kiln.hygiene").warning(
            "sharing an image with high-severity findings",
            metadata: [
                "image_id": .string(imageID), "account": .string(caller.account.rawValue),
                "findings": .string(findings.joined(separator: ", ")),
            ]
        )
    }

    /// DescribeImageAttribute's answer: the image's value of `attribute`.
    static func wireImageAttribute(_ image: Image, attribute: String, now: Date) -> EC2.ImageAttribute {
        var output = EC2.ImageAttribute(imageId: image.id)
        func value(_ text: String?) -> EC2.AttributeValue { EC2.AttributeValue(value: text) }
        switch attribute {
        case "description": output.description = value(image.description)
        case "kernel": output.kernelId = value(image.kernelID)
        case "ramdisk": output.ramdiskId = value(image.ramdiskID)
        case "launchPermission": output.launchPermissions = image.launchPermissions.map(wireLaunchPermission)
        case "productCodes": output.productCodes = image.productCodes.map(wireProductCode)
        case "sriovNetSupport": output.sriovNetSupport = value(image.sriovNetSupport)
        case "bootMode": output.bootMode = value(image.bootMode)
        case "tpmSupport": output.tpmSupport = value(image.tpmSupport)
        case "uefiData": output.uefiData = value(image.uefiData)
        case "lastLaunchedTime": output.lastLaunchedTime = value(image.lastLaunchedTime.map(Timestamp.iso8601))
        case "imdsSupport": output.imdsSupport = value(image.imdsSupport)
        case "deregistrationProtection": output.deregistrationProtection = value(wireProtection(image.deregistrationProtection, now: now))
        default: break
        }
        return output
    }

    /// The attribute a ModifyImageAttribute changes: the one it names, or the one its fields
    /// give; fields of more than one attribute are refused.
    static func modifiedAttribute(_ input: EC2.ModifyImageAttributeRequest) throws -> String? {
        let given = [
            input.launchPermission != nil || input.userIds != nil || input.userGroups != nil || input.organizationArns != nil
                || input.organizationalUnitArns != nil ? "launchPermission" : nil,
            input.description != nil ? "description" : nil,
            input.imdsSupport != nil ? "imdsSupport" : nil,
        ].compactMap { $0 }
        if given.count > 1 {
            throw CloudError.invalidParameterCombination("Fields for multiple attribute types specified: \(given.joined(separator: ", "))")
        }
        return input.attribute
            ?? (input.launchPermission != nil
                ? "launchPermission" : input.description != nil ? "description" : input.imdsSupport != nil ? "imdsSupport" : nil)
    }

    /// ModifyImageAttribute: launch permissions (checked for hygiene when they grant), the
    /// description or IMDS support.
    static func modifyImageAttribute(
        _ input: EC2.ModifyImageAttributeRequest,
        caller: Caller,
        cloud: Cloud,
        hygieneCheck: HygieneCheck
    ) async throws {
        switch try modifiedAttribute(input) {
        case "launchPermission":
            let change = try launchPermissionChange(input)
            if !change.add.isEmpty {
                try await checkHygiene(cloud: cloud, caller: caller, imageID: input.imageId, mode: hygieneCheck)
            }
            try await cloud.images.modifyLaunchPermissions(caller, imageID: input.imageId, change: change)
        case "description":
            guard let text = input.description?.value ?? input.value else { throw CloudError.missingParameter("Description") }
            try await cloud.images.modifyImage(caller, imageID: input.imageId, description: text, imdsSupport: nil)
        case "imdsSupport":
            guard let text = input.imdsSupport?.value ?? input.value else { throw CloudError.missingParameter("ImdsSupport") }
            try await cloud.images.modifyImage(caller, imageID: input.imageId, description: nil, imdsSupport: text)
        case "productCodes":
            break  // AWS accepts and ignores it.
        case nil:
            throw CloudError.missingParameter("Attribute")
        case let other?:
            throw CloudError.invalidParameterValue(
                "Value (\(other)) for parameter attribute is invalid. It must be description, imdsSupport or launchPermission."
            )
        }
    }

    /// The launch permissions a ModifyImageAttribute adds and removes, in the structured form
    /// (LaunchPermission.Add and .Remove) and the flat one (UserId with OperationType).
    static func launchPermissionChange(_ input: EC2.ModifyImageAttributeRequest) throws -> ImageService.LaunchPermissionChange {
        var add: [Image.LaunchPermission] = []
        var remove: [Image.LaunchPermission] = []
        if let structured = input.launchPermission {
            add = try (structured.add ?? []).map(launchPermission)
            remove = try (structured.remove ?? []).map(launchPermission)
        }
        let flat: [Image.LaunchPermission] =
            try (input.userIds ?? []).map {
                try ImageService.launchPermission(userID: $0, group: nil, organizationARN: nil, organizationalUnitARN: nil)
            }
            + (input.userGroups ?? []).map {
                try ImageService.launchPermission(userID: nil, group: $0, organizationARN: nil, organizationalUnitARN: nil)
            }
            + (input.organizationArns ?? []).map {
                try ImageService.launchPermission(userID: nil, group: nil, organizationARN: $0, organizationalUnitARN: nil)
            }
            + (input.organizationalUnitArns ?? []).map {
                try ImageService.launchPermission(userID: nil, group: nil, organizationARN: nil, organizationalUnitARN: $0)
            }
        // Packer sends its users both as UserIds and as LaunchPermission.Add, without an
        // OperationType; AWS takes the structured form then, and so does Kiln.
        if !flat.isEmpty, input.operationType != nil || input.launchPermission == nil {
            switch input.operationType?.rawValue {
            case "add": add += flat
            case "remove": remove += flat
            default: throw CloudError.missingParameter("OperationType")
            }
        }
        return .init(add: add, remove: remove)
    }
}
