import Foundation
import KilnCore
import KilnWire

extension EC2Front {
    /// CreateImage and the store and restore tasks.
    static func registerImageCreation(in operations: inout OperationTable, cloud: Cloud) {
        operations.on(EC2.CreateImage.self) { input, caller in
            let tags = try tagsByType(input.tagSpecifications, allowed: ["image", "snapshot"]) ?? [:]
            let request = ImageCreation(
                instanceID: input.instanceId,
                name: input.name,
                description: input.description,
                noReboot: input.noReboot ?? false,
                mappings: (input.blockDeviceMappings ?? []).map(mapping),
                imageTags: tags["image"] ?? [],
                snapshotTags: tags["snapshot"] ?? []
            )
            return EC2.CreateImageResult(imageId: try await cloud.images.createImage(caller, request))
        }

        operations.on(EC2.CreateStoreImageTask.self) { input, caller in
            EC2.CreateStoreImageTaskResult(
                objectKey: try await cloud.images.createStoreImageTask(caller, imageID: input.imageId, bucket: input.bucket)
            )
        }

        operations.on(EC2.DescribeStoreImageTasks.self) { input, caller in
            if input.imageIds?.isEmpty == false, input.maxResults != nil {
                throw CloudError.invalidParameterCombination("The parameter ImageIds cannot be used with the parameter MaxResults")
            }
            let page = try cloud.context.pageRequest(
                "DescribeStoreImageTasks",
                caller: caller,
                maxResults: input.maxResults,
                nextToken: input.nextToken,
                allowed: 1...200,
                parameters: [String(describing: input.imageIds), String(describing: input.filters)]
            )
            let tasks = try await cloud.images.describeStoreImageTasks(caller, imageIDs: input.imageIds, filters: filters(input.filters))
            let (items, nextToken) = try page.page(of: tasks)
            return EC2.DescribeStoreImageTasksResult(nextToken: nextToken, storeImageTaskResults: items.map(wireStoreImageTask))
        }

        operations.on(EC2.CreateRestoreImageTask.self) { input, caller in
            let imageID = try await cloud.images.createRestoreImageTask(
                caller,
                bucket: input.bucket,
                objectKey: input.objectKey,
                name: input.name,
                tags: try tags(of: input.tagSpecifications, for: "image")
            )
            return EC2.CreateRestoreImageTaskResult(imageId: imageID)
        }
    }

    /// A store-image task as DescribeStoreImageTasks shows it.
    static func wireStoreImageTask(_ task: StoreImageTask) -> EC2.StoreImageTaskResult {
        EC2.StoreImageTaskResult(
            amiId: task.id,
            bucket: task.bucket,
            progressPercentage: task.progress,
            s3objectKey: task.objectKey,
            storeTaskFailureReason: task.failureReason,
            storeTaskState: task.state.rawValue,
            taskStartTime: task.startTime
        )
    }
}

extension EC2Front {
    /// CopyImage.
    static func registerImageCopies(in operations: inout OperationTable, cloud: Cloud) {
        operations.on(EC2.CopyImage.self) { input, caller in
            let request = ImageCopy(
                sourceRegion: input.sourceRegion,
                sourceImageID: input.sourceImageId,
                name: input.name,
                description: input.description,
                encrypted: input.encrypted,
                kmsKeyID: input.kmsKeyId,
                copyImageTags: input.copyImageTags ?? false,
                tags: try tags(of: input.tagSpecifications, for: "image"),
                clientToken: input.clientToken
            )
            return EC2.CopyImageResult(imageId: try await cloud.images.copyImage(caller, request))
        }
    }
}
