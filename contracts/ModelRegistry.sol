// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {IDatanetRegistry} from "./interfaces/IDatanetRegistry.sol";
import {
    IModelRegistry,
    AdapterKind,
    DatanetRef,
    ModelSpec,
    ModelTerms,
    ModelVersion
} from "./interfaces/IModelRegistry.sol";

/// @title ModelRegistry
/// @notice See {IModelRegistry}.
/// @dev A model exists exactly when its terms name a revenue recipient: registration and {setRevenueRecipient} refuse
/// the zero address and models are never burned, so {terms} answers from the one slot it returns.
contract ModelRegistry is IModelRegistry, ERC721 {
    // Constants come before the types: solc sizes a struct's array only from a constant declared above it.

    /* CONSTANTS */

    /// @inheritdoc IModelRegistry
    uint256 public constant MAX_TRAINING_SETS = 16;

    IDatanetRegistry private immutable _DATANETS;

    /* TYPES */

    /// @dev A model version in four to eleven slots: the scalars and the first two Datanet versions share one, the
    /// hashes take three, and further Datanet versions are packed two per slot. A Datanet version is stored as
    /// `datanetId << 32 | version`; they keep the order given.
    struct VersionRecord {
        uint40 registeredAt;
        AdapterKind adapterKind;
        /// @dev How many Datanet versions are set.
        uint8 refCount;
        uint96 firstRef;
        uint96 secondRef;
        bytes32 baseModelHash;
        bytes32 adapterHash;
        bytes32 trainingConfigHash;
        uint96[MAX_TRAINING_SETS - 2] moreRefs;
    }

    /* STORAGE */

    uint256 private _modelCount;
    mapping(uint256 modelId => ModelTerms) private _terms;
    /// @dev Zero for an unregistered model, at least one otherwise.
    mapping(uint256 modelId => uint32) private _versionCounts;
    mapping(uint256 modelId => mapping(uint32 version => VersionRecord)) private _versions;
    mapping(uint256 modelId => string) private _uris;

    constructor(IDatanetRegistry datanets) ERC721("Open Attribution Model", "OAM") {
        _DATANETS = datanets;
    }

    /* REGISTRATION */

    /// @inheritdoc IModelRegistry
    function registerModel(
        string calldata uri,
        ModelSpec calldata spec,
        uint96 pricePerCall,
        address revenueRecipient
    ) external returns (uint256 modelId) {
        if (revenueRecipient == address(0)) revert ModelInvalidRevenueRecipient(revenueRecipient);
        modelId = ++_modelCount;
        _uris[modelId] = uri;
        _mint(msg.sender, modelId);
        emit ModelRegistered(modelId, msg.sender, uri);
        _versionCounts[modelId] = 1;
        _recordVersion(modelId, 1, spec);
        _terms[modelId] = ModelTerms(pricePerCall, revenueRecipient);
        emit ModelPriceUpdated(modelId, pricePerCall);
        emit ModelRevenueRecipientUpdated(modelId, revenueRecipient);
    }

    /// @inheritdoc IModelRegistry
    function addModelVersion(uint256 modelId, ModelSpec calldata spec) external returns (uint32 version) {
        _requireModelOwner(modelId);
        version = _versionCounts[modelId] + 1;
        _versionCounts[modelId] = version;
        _recordVersion(modelId, version, spec);
    }

    /// @inheritdoc IModelRegistry
    function setPrice(uint256 modelId, uint96 pricePerCall) external {
        _requireModelOwner(modelId);
        _terms[modelId].pricePerCall = pricePerCall;
        emit ModelPriceUpdated(modelId, pricePerCall);
    }

    /// @inheritdoc IModelRegistry
    function setRevenueRecipient(uint256 modelId, address revenueRecipient) external {
        _requireModelOwner(modelId);
        if (revenueRecipient == address(0)) revert ModelInvalidRevenueRecipient(revenueRecipient);
        _terms[modelId].revenueRecipient = revenueRecipient;
        emit ModelRevenueRecipientUpdated(modelId, revenueRecipient);
    }

    /// @inheritdoc IModelRegistry
    function setModelURI(uint256 modelId, string calldata uri) external {
        _requireModelOwner(modelId);
        _uris[modelId] = uri;
        emit ModelURIUpdated(modelId, uri);
    }

    /* VIEWS */

    /// @inheritdoc IModelRegistry
    function DATANETS() external view returns (address) {
        return address(_DATANETS);
    }

    /// @inheritdoc IModelRegistry
    function modelCount() external view returns (uint256) {
        return _modelCount;
    }

    /// @inheritdoc IModelRegistry
    function terms(uint256 modelId) external view returns (ModelTerms memory modelTerms) {
        modelTerms = _terms[modelId];
        if (modelTerms.revenueRecipient == address(0)) revert ModelNonexistent(modelId);
    }

    /// @inheritdoc IModelRegistry
    function versionCount(uint256 modelId) external view returns (uint32) {
        return _existingVersionCount(modelId);
    }

    /// @inheritdoc IModelRegistry
    function getModelVersion(uint256 modelId, uint32 version) external view returns (ModelVersion memory) {
        if (version == 0 || version > _existingVersionCount(modelId)) {
            revert ModelVersionNonexistent(modelId, version);
        }
        VersionRecord storage record = _versions[modelId][version];
        uint256 count = record.refCount;
        DatanetRef[] memory trainedOn = new DatanetRef[](count);
        for (uint256 i; i < count; ++i) trainedOn[i] = _refAt(record, i);
        return
            ModelVersion(
                record.registeredAt,
                record.adapterKind,
                record.baseModelHash,
                record.adapterHash,
                record.trainingConfigHash,
                trainedOn
            );
    }

    /// @notice The model's metadata URI.
    function tokenURI(uint256 modelId) public view override returns (string memory) {
        _requireOwned(modelId);
        return _uris[modelId];
    }

    /* INTERNAL */

    /// @dev Checks `spec` (see {ModelSpec}) and the caller's right to train on each Datanet, then stores it.
    function _recordVersion(uint256 modelId, uint32 version, ModelSpec calldata spec) private {
        DatanetRef[] calldata trainedOn = spec.trainedOn;
        uint256 count = trainedOn.length;
        if (count == 0) revert ModelNoTrainingData();
        if (count > MAX_TRAINING_SETS) revert ModelTooManyTrainingSets(count, MAX_TRAINING_SETS);
        VersionRecord storage record = _versions[modelId][version];
        for (uint256 i; i < count; ++i) {
            uint64 datanetId = trainedOn[i].datanetId;
            uint32 datanetVersion = trainedOn[i].version;
            for (uint256 j; j < i; ++j) {
                if (trainedOn[j].datanetId == datanetId) revert ModelDuplicateDatanet(datanetId);
            }
            // The Datanet registry answers 0 versions for an unknown Datanet, so this also refuses those.
            if (datanetVersion == 0 || datanetVersion > _DATANETS.versionCount(datanetId)) {
                revert ModelDatanetVersionNonexistent(datanetId, datanetVersion);
            }
            if (!_DATANETS.canTrainOn(datanetId, msg.sender)) revert ModelDatanetAccessDenied(datanetId, msg.sender);
            _setRef(record, i, (uint96(datanetId) << 32) | datanetVersion);
        }
        // Recorded for readers; nothing depends on it.
        // solhint-disable-next-line not-rely-on-time
        record.registeredAt = uint40(block.timestamp);
        record.adapterKind = spec.adapterKind;
        record.refCount = uint8(count);
        record.baseModelHash = keccak256(bytes(spec.baseModel));
        record.adapterHash = spec.adapterHash;
        record.trainingConfigHash = spec.trainingConfigHash;
        emit ModelVersionAdded(
            modelId,
            version,
            spec.baseModel,
            spec.adapterKind,
            spec.adapterHash,
            spec.trainingConfigHash,
            trainedOn
        );
    }

    function _setRef(VersionRecord storage record, uint256 i, uint96 ref) private {
        if (i == 0) record.firstRef = ref;
        else if (i == 1) record.secondRef = ref;
        else record.moreRefs[i - 2] = ref;
    }

    function _refAt(VersionRecord storage record, uint256 i) private view returns (DatanetRef memory) {
        uint96 ref;
        if (i == 0) ref = record.firstRef;
        else if (i == 1) ref = record.secondRef;
        else ref = record.moreRefs[i - 2];
        return DatanetRef(uint64(ref >> 32), uint32(ref));
    }

    function _requireModelOwner(uint256 modelId) private view {
        address owner = _ownerOf(modelId);
        if (owner == address(0)) revert ModelNonexistent(modelId);
        if (owner != msg.sender) revert ModelUnauthorizedOwner(modelId, msg.sender);
    }

    function _existingVersionCount(uint256 modelId) private view returns (uint32 count) {
        count = _versionCounts[modelId];
        if (count == 0) revert ModelNonexistent(modelId);
    }
}
