// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// @notice How a model's weights relate to its base model.
enum AdapterKind {
    Full,
    LoRA,
    QLoRA
}

/// @notice A published Datanet version a model was trained on: {IDatanetRegistry-getVersion}(`datanetId`, `version`).
struct DatanetRef {
    uint64 datanetId;
    uint32 version;
}

/// @notice What a model version was made from, as given to {IModelRegistry-registerModel} and
/// {IModelRegistry-addModelVersion}.
struct ModelSpec {
    /// @dev The base model's identifier, e.g. a Hugging Face repository id; stored as its keccak256, given in full in
    /// {IModelRegistry-ModelVersionAdded}.
    string baseModel;
    AdapterKind adapterKind;
    /// @dev Hash of the adapter (or full weights) file.
    bytes32 adapterHash;
    /// @dev Hash of the training configuration (hyper-parameters, data mix, seed).
    bytes32 trainingConfigHash;
    /// @dev Every Datanet version the model was trained on: at least one, at most `MAX_TRAINING_SETS`, no Datanet
    /// twice.
    DatanetRef[] trainedOn;
}

/// @notice A model version as stored on-chain.
struct ModelVersion {
    uint40 registeredAt;
    AdapterKind adapterKind;
    bytes32 baseModelHash;
    bytes32 adapterHash;
    bytes32 trainingConfigHash;
    DatanetRef[] trainedOn;
}

/// @notice What settlement reads for a model, packed in one slot.
struct ModelTerms {
    /// @dev OPEN (wei) per inference call.
    uint96 pricePerCall;
    /// @dev Receives the model's share of every fee.
    address revenueRecipient;
}

/// @title Model registry
/// @notice Models fine-tuned on Datanet versions, each an ERC-721 owned by its developer. A model records, per
/// version, its base model, adapter, training configuration and the exact Datanet versions it was trained on, so
/// anyone can check which data (and so which contributors) it owes; retrains add versions and keep the history.
/// Settlement reads a model's price per call and revenue recipient.
/// @dev Every referenced Datanet version must exist, and a permissioned Datanet must have approved the model's owner
/// ({IDatanetRegistry-canTrainOn}) at the time of registration or retraining.
interface IModelRegistry {
    /* EVENTS */

    /// @notice A model was registered and minted to `owner`.
    event ModelRegistered(uint256 indexed modelId, address indexed owner, string uri);

    /// @notice Model version `version` (1 for the registration) was recorded.
    event ModelVersionAdded(
        uint256 indexed modelId,
        uint32 indexed version,
        string baseModel,
        AdapterKind adapterKind,
        bytes32 adapterHash,
        bytes32 trainingConfigHash,
        DatanetRef[] trainedOn
    );

    /// @notice The price per inference call changed (also emitted at registration).
    event ModelPriceUpdated(uint256 indexed modelId, uint96 pricePerCall);

    /// @notice The revenue recipient changed (also emitted at registration).
    event ModelRevenueRecipientUpdated(uint256 indexed modelId, address indexed revenueRecipient);

    /// @notice The metadata URI changed.
    event ModelURIUpdated(uint256 indexed modelId, string uri);

    /* ERRORS */

    /// @notice No model has this id.
    error ModelNonexistent(uint256 modelId);

    /// @notice Only the model's owner may do this.
    error ModelUnauthorizedOwner(uint256 modelId, address account);

    /// @notice A model version must name at least one Datanet version.
    error ModelNoTrainingData();

    /// @notice More Datanet versions than `MAX_TRAINING_SETS`.
    error ModelTooManyTrainingSets(uint256 count, uint256 max);

    /// @notice The same Datanet appears twice in one model version.
    error ModelDuplicateDatanet(uint256 datanetId);

    /// @notice The referenced Datanet version was never published.
    error ModelDatanetVersionNonexistent(uint256 datanetId, uint32 version);

    /// @notice A permissioned Datanet has not approved `account` to train on it.
    error ModelDatanetAccessDenied(uint256 datanetId, address account);

    /// @notice The revenue recipient cannot be the zero address.
    error ModelInvalidRevenueRecipient(address recipient);

    /// @notice The model has no such version.
    error ModelVersionNonexistent(uint256 modelId, uint32 version);

    /* CONSTANTS */

    /// @notice The Datanet registry versions are checked against.
    function DATANETS() external view returns (address);

    /// @notice Most Datanet versions one model version may name.
    function MAX_TRAINING_SETS() external view returns (uint256);

    /* REGISTRATION */

    /// @notice Registers a model (version 1 from `spec`) and mints it to the caller.
    /// Requirements: `spec` is valid (see {ModelSpec}); the caller may train on every referenced Datanet;
    /// `revenueRecipient` is not zero.
    function registerModel(
        string calldata uri,
        ModelSpec calldata spec,
        uint96 pricePerCall,
        address revenueRecipient
    ) external returns (uint256 modelId);

    /// @notice Records a retrained version of a model; earlier versions stay.
    /// Requirements: the caller owns the model; `spec` is valid; the caller may train on every referenced Datanet.
    function addModelVersion(uint256 modelId, ModelSpec calldata spec) external returns (uint32 version);

    /// @notice Sets the price per call. Requirements: the caller owns the model.
    function setPrice(uint256 modelId, uint96 pricePerCall) external;

    /// @notice Sets who receives the model's fee share. Requirements: the caller owns the model; not zero.
    function setRevenueRecipient(uint256 modelId, address revenueRecipient) external;

    /// @notice Sets the metadata URI. Requirements: the caller owns the model.
    function setModelURI(uint256 modelId, string calldata uri) external;

    /* VIEWS */

    /// @notice Number of models registered; ids run from 1 to this.
    function modelCount() external view returns (uint256);

    /// @notice Price per call and revenue recipient. Reverts with {ModelNonexistent}.
    function terms(uint256 modelId) external view returns (ModelTerms memory);

    /// @notice Number of versions of a model (its latest version). Reverts with {ModelNonexistent}.
    function versionCount(uint256 modelId) external view returns (uint32);

    /// @notice A model version. Reverts with {ModelNonexistent} or {ModelVersionNonexistent}.
    function getModelVersion(uint256 modelId, uint32 version) external view returns (ModelVersion memory);
}
