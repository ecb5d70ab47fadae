import KilnCore
import KilnWire

extension EC2Front {
    static func registerTags(in operations: inout OperationTable, cloud: Cloud) {
        operations.on(EC2.CreateTags.self) { input, caller in
            try await cloud.tags.createTags(caller, resourceIDs: input.resources, tags: tags(input.tags))
            return EmptyOutput()
        }

        operations.on(EC2.DeleteTags.self) { input, caller in
            let removals = input.tags?.map { (key: $0.key ?? "", value: $0.value) }
            try await cloud.tags.deleteTags(caller, resourceIDs: input.resources, tags: removals)
            return EmptyOutput()
        }

        operations.on(EC2.DescribeTags.self) { input, caller in
            let page = try cloud.context.pageRequest(
                "DescribeTags",
                caller: caller,
                maxResults: input.maxResults,
                nextToken: input.nextToken,
                allowed: 5...1000,
                parameters: [String(describing: input.filters)]
            )
            let (tags, nextToken) = try await cloud.tags.describeTags(caller, filters: filters(input.filters), page: page)
            return EC2.DescribeTagsResult(
                nextToken: nextToken,
                tags: tags.map { tag in
                    EC2.TagDescription(
                        key: tag.tag.key,
                        resourceId: tag.resourceID,
                        resourceType: .init(rawValue: tag.resourceType),
                        value: tag.tag.value
                    )
                }
            )
        }
    }
}
