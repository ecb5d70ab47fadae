import Foundation

/// Describe/Modify/ResetImageAttribute and CancelImageLaunchPermission.
extension ImageService {
    /// DescribeImageAttribute: the owner reads one attribute.
    package func imageAttribute(_ caller: Caller, imageID: String, attribute: String) async throws -> Image {
        if attribute == "blockDeviceMapping" {
            throw CloudError.imageAttributeUnauthorized
        }
        let known = [
            "description", "kernel", "ramdisk", "launchPermission", "productCodes", "sriovNetSupport", "bootMode", "tpmSupport", "uefiData",
            "lastLaunchedTime", "imdsSupport", "deregistrationProtection",
        ]
        guard known.contains(attribute) else {
            throw CloudError.invalidParameterValue("Value (\(attribute)) for parameter attribute is invalid. Unknown attribute.")
        }
        return try await read(caller) { try ownedImage(imageID, caller: caller, in: $0) }
    }

    /// A change to an image's launch permissions.
    package struct LaunchPermissionChange: Sendable {
        package var add: [Image.LaunchPermission]
        package var remove: [Image.LaunchPermission]

        /// Describes a change.
        package init(add: [Image.LaunchPermission], remove: [Image.LaunchPermission]) {
            self.add = add
            self.remove = remove
        }
    }

    /// Reads a launch permission grantee as the wire names it; refuses what AWS refuses.
    package static func launchPermission(userID: String?, group: String?, organizationARN: String?, organizationalUnitARN: String?) throws
        -> Image.LaunchPermission
    {
        if let userID {
            guard let account = AccountID(userID) else {
                throw CloudError.invalidLaunchPermissionUser(userID)
            }
            return .account(account)
        }
        if let group {
            guard group == "all" else {
                throw CloudError.invalidLaunchPermissionGroup(group)
            }
            return .all
        }
        if let organizationARN {
            guard organizationARN.hasPrefix("arn:aws:organizations::"), organizationARN.contains(":organization/o-") else {
                throw CloudError.invalidLaunchPermissionOrganization(organizationARN)
            }
            return .organization(organizationARN)
        }
        if let organizationalUnitARN {
            guard organizationalUnitARN.hasPrefix("arn:aws:organizations::"), organizationalUnitARN.contains(":ou/o-") else {
                throw CloudError.invalidLaunchPermissionUnit(organizationalUnitARN)
            }
            return .organizationalUnit(organizationalUnitARN)
        }
        throw CloudError.missingParameter("LaunchPermission UserId, Group, OrganizationArn or OrganizationalUnitArn")
    }

    /// ModifyImageAttribute for launch permissions: public sharing is refused while image block
    /// public access is on, for images with encrypted snapshots, and for Marketplace images;
    /// a disabled image cannot be shared.
    package func modifyLaunchPermissions(_ caller: Caller, imageID: String, change: LaunchPermissionChange) async throws {
        guard !change.add.isEmpty || !change.remove.isEmpty else {
            throw CloudError.missingParameter("LaunchPermission")
        }
        try await write(caller) { transaction in
            var image = try ownedImage(imageID, caller: caller, in: transaction)
            if !change.add.isEmpty, image.state == .disabled {
                throw CloudError.disabledImageCannotBeShared(imageID)
            }
            let sharing = change.add.contains { $0 != .all }
            if sharing || change.add.contains(.all),
                image.blockDeviceMappings.contains(where: { $0.ebs?.kmsKeyID == DefaultEBSKey.arn(account: image.owner, region: image.region) })
            {
                throw CloudError.defaultKeyImageCannotBeShared
            }
            if change.add.contains(.all), !image.isPublic {
                if try transaction.settings(of: caller).imageBlockPublicAccess {
                    throw CloudError.imageBlockPublicAccessEnabled(caller.region)
                }
                if image.blockDeviceMappings.contains(where: { $0.ebs?.encrypted == true }) {
                    throw CloudError.encryptedImageCannotBePublic
                }
                if !image.productCodes.isEmpty {
                    throw CloudError.productImageCannotBePublic
                }
            }
            for grant in change.add where !image.launchPermissions.contains(grant) {
                image.launchPermissions.append(grant)
            }
            // Public images are deprecated at the latest two years after their creation, as on AWS.
            if image.isPublic {
                let latest = image.creationDate + Self.publicDeprecationLimit
                if image.deprecationTime.map({ $0 > latest }) ?? true { image.deprecationTime = max(latest, image.creationDate) }
            }
            image.launchPermissions.removeAll { change.remove.contains($0) }
            try transaction.saveImage(image)
        }
    }

    /// ModifyImageAttribute for the description or IMDS support (which can only be set to v2.0, once).
    package func modifyImage(_ caller: Caller, imageID: String, description: String?, imdsSupport: String?) async throws {
        try await write(caller) { transaction in
            var image = try ownedImage(imageID, caller: caller, in: transaction)
            if let description { image.description = description }
            if let imdsSupport {
                guard imdsSupport == "v2.0" else {
                    throw CloudError.invalidParameterValue("Value (\(imdsSupport)) for parameter imdsSupport is invalid. Only v2.0 can be set.")
                }
                image.imdsSupport = imdsSupport
            }
            try transaction.saveImage(image)
        }
    }

    /// ResetImageAttribute: only `launchPermission` resets, to none (not public, not shared).
    package func resetImageAttribute(_ caller: Caller, imageID: String, attribute: String) async throws {
        guard attribute == "launchPermission" else {
            throw CloudError.invalidParameterValue("The attribute \(attribute) cannot be reset; only launchPermission can.")
        }
        try await write(caller) { transaction in
            var image = try ownedImage(imageID, caller: caller, in: transaction)
            image.launchPermissions = []
            try transaction.saveImage(image)
        }
    }

    /// CancelImageLaunchPermission: a recipient drops its own account share. Images shared
    /// through an organization or unit, and images it cannot see, are not found.
    package func cancelImageLaunchPermission(_ caller: Caller, imageID: String) async throws {
        try await write(caller) { transaction in
            guard ResourcePrefix.image.matches(imageID) else { throw CloudError.malformedImageID(imageID) }
            guard var image = try transaction.image(imageID, in: caller.region), image.owner != caller.account,
                image.launchPermissions.contains(.account(caller.account))
            else { throw CloudError.imageNotFound([imageID]) }
            image.launchPermissions.removeAll { $0 == .account(caller.account) }
            try transaction.saveImage(image)
        }
    }
}
