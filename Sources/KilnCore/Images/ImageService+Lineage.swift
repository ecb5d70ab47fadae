import Foundation

/// GetImageAncestry and DescribeImageReferences: where an image came from, and what uses it.
extension ImageService {
    /// The image and each image it was copied or created from, back to the root, as far as
    /// they still exist.
    package func imageAncestry(_ caller: Caller, imageID: String) async throws -> [Image] {
        try await read(caller) { transaction in
            var chain = [try visibleImage(imageID, caller: caller, in: transaction)]
            var seen: Set<String> = [imageID]
            while let sourceID = chain.last?.sourceImageID, !seen.contains(sourceID),
                let source = try transaction.image(sourceID, in: chain.last?.sourceRegion.map { RegionName($0) } ?? caller.region)
            {
                chain.append(source)
                seen.insert(sourceID)
            }
            return chain
        }
    }

    /// A resource that refers to an image.
    /// The resource types DescribeImageReferences knows.
    package static let imageReferenceTypes: Set<String> = [
        "ec2:Instance", "ec2:LaunchTemplate", "ssm:Parameter", "imagebuilder:ImageRecipe", "imagebuilder:ContainerRecipe",
    ]

    /// DescribeImageReferences: the caller's resources in its region that use the images:
    /// instances launched from them and not terminated, launch templates whose default or
    /// latest version names them, and SSM parameters whose value is one of them.
    package func imageReferences(_ caller: Caller, imageIDs: [String], resourceTypes: [String]?, includeAll: Bool) async throws -> [ImageReference] {
        guard !imageIDs.isEmpty else { throw CloudError.missingParameter("ImageId") }
        guard includeAll || !(resourceTypes ?? []).isEmpty else {
            throw CloudError.invalidParameterCombination("Specify IncludeAllResourceTypes or at least one ResourceType.")
        }
        for type in resourceTypes ?? [] where !Self.imageReferenceTypes.contains(type) {
            throw CloudError.invalidParameterValue("Value (\(type)) for parameter resourceType is invalid.")
        }
        let wanted = includeAll ? Self.imageReferenceTypes : Set(resourceTypes ?? [])
        return try await read(caller) { transaction in
            for id in imageIDs { _ = try visibleImage(id, caller: caller, in: transaction) }
            var references: [ImageReference] = []
            if wanted.contains("ec2:Instance") {
                references += try Self.instanceReferences(to: Set(imageIDs), caller: caller, in: transaction)
            }
            if wanted.contains("ec2:LaunchTemplate") {
                references += try Self.launchTemplateReferences(to: Set(imageIDs), caller: caller, in: transaction)
            }
            if wanted.contains("ssm:Parameter") {
                for parameter in try transaction.fetchAll(Parameter.self, region: caller.region, owner: caller.account)
                where imageIDs.contains(parameter.value) {
                    references.append(ImageReference(imageID: parameter.value, resourceType: "ssm:Parameter", arn: parameter.arn))
                }
            }
            return references.sorted { ($0.imageID, $0.arn) < ($1.imageID, $1.arn) }
        }
    }

    /// The caller's instances launched from one of `imageIDs` that are not terminated.
    private static func instanceReferences(to imageIDs: Set<String>, caller: Caller, in transaction: any MetadataTransaction) throws
        -> [ImageReference]
    {
        try transaction.fetchAll(Instance.self, region: caller.region, owner: caller.account)
            .filter { imageIDs.contains($0.imageID) && $0.state != .terminated }
            .map { instance in
                ImageReference(
                    imageID: instance.imageID,
                    resourceType: "ec2:Instance",
                    arn: "arn:aws:ec2:\(caller.region):\(caller.account):instance/\(instance.id)"
                )
            }
    }

    /// The caller's launch templates whose default or latest version names one of `imageIDs`.
    private static func launchTemplateReferences(to imageIDs: Set<String>, caller: Caller, in transaction: any MetadataTransaction) throws
        -> [ImageReference]
    {
        try transaction.fetchAll(LaunchTemplate.self, region: caller.region, owner: caller.account).flatMap { template in
            let named = Set(["$Default", "$Latest"].compactMap { template.version($0)?.data.imageID }).filter(imageIDs.contains)
            return named.sorted().map { imageID in
                ImageReference(
                    imageID: imageID,
                    resourceType: "ec2:LaunchTemplate",
                    arn: "arn:aws:ec2:\(caller.region):\(caller.account):launch-template/\(template.id)"
                )
            }
        }
    }
}
