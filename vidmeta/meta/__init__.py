"""The mapping engine: few-shot learners meta-trained on episodes, modality-agnostic.

Stable API (the few-shot labelling feature and external evaluations rely on it)::

    from vidmeta.meta import load_learner

    learner = load_learner("build/bench-meta/protonet-squared_euclidean.safetensors")  # eval mode, CPU
    classifier = learner.adapt(support_x, support_y)   # any N-way K-shot support set
    probs = classifier.predict_proba(query_x)          # (n_query, N) numpy, columns = classifier.classes
    labels = classifier.predict(query_x)               # support labels, or -1 (UNKNOWN) for open-set rejects
    unknown = classifier.is_unknown(query_x)           # (n_query,) bool

Inputs are numpy arrays or torch tensors of floats. For the Omniglot image learners they are
28x28 greyscale images in [0, 1] with ink = 1 (white strokes on black), shaped (n, 28, 28) or
(n, 1, 28, 28); for feature learners (n, dim); for fusion mappings a ``MultimodalBatch``.
Support labels may be any integers or strings; ``classifier.classes`` lists them sorted, which
is the column order of ``predict_proba``. Predictions for a query never depend on the other
queries passed with it. The unknown decision compares a query's dissimilarity to its nearest
class with ``classifier.threshold``, calibrated on the support set alone (leave-one-out
distances with two or more shots, the closest pair of classes with one shot); set
``classifier.threshold`` to override it. ``load_learner(path, device="cuda")`` puts a learner
on the GPU; inputs are moved to the learner's device.

The benchmark's checkpoints (one per learner, ProtoNet with squared Euclidean distance the
recommended one) are rebuilt from scratch, deterministically, by
``python tests/benchmarks/bench_meta.py`` (about 15 minutes on two CPU cores).

Building and training::

    spec = LearnerSpec(kind="protonet", mapping=MappingSpec(kind="conv4", input_shape=(1, 28, 28)))
    learner = build_learner(spec)
    result = run_job(train_job(learner, train_set, options=TrainOptions(ways=20), validation=val_set))
    save_learner(result.learner, "model.safetensors")

``train_job`` is a pipeline job: a generator that yields ``vidmeta.domain.Progress``, checks a
``CancelToken`` every step and returns a ``TrainResult``. Learner kinds: protonet, matching,
relation (metric); maml, fomaml, anil, metasgd, reptile (gradient-based, on ``torch.func``).
Checkpoints are safetensors files carrying the learner spec (kind, mapping architecture, input
shape, hyper-parameters) as metadata; ``load_learner`` never unpickles code.
"""

from vidmeta.meta.augment import ImageAugmentation
from vidmeta.meta.baselines import PixelNearestNeighbour, untrained_protonet
from vidmeta.meta.batch import MultimodalBatch
from vidmeta.meta.checkpoints import load_learner, read_checkpoint_config, save_learner
from vidmeta.meta.classifier import UNKNOWN, FewShotClassifier
from vidmeta.meta.datasets import ArrayDataset, load_image_folder, load_omniglot, split_classes, with_rotated_classes
from vidmeta.meta.distances import DISTANCE_KINDS, build_distance
from vidmeta.meta.episodes import Episode, EpisodeIndices, EpisodeSampler, sample_episodes
from vidmeta.meta.evaluation import EvalResult, embed_dataset, evaluate
from vidmeta.meta.fusion import DecisionLevelFusion, FeatureLevelFusion, ModelLevelFusion
from vidmeta.meta.learners import LEARNER_KINDS, FewShotLearner, LearnerSpec, build_learner
from vidmeta.meta.mappings import MAPPING_KINDS, MappingSpec, build_mapping
from vidmeta.meta.training import TrainOptions, TrainResult, run_job, select_device, train_job

__all__ = [
    "DISTANCE_KINDS",
    "LEARNER_KINDS",
    "MAPPING_KINDS",
    "UNKNOWN",
    "ArrayDataset",
    "DecisionLevelFusion",
    "Episode",
    "EpisodeIndices",
    "EpisodeSampler",
    "EvalResult",
    "FeatureLevelFusion",
    "FewShotClassifier",
    "FewShotLearner",
    "ImageAugmentation",
    "LearnerSpec",
    "MappingSpec",
    "ModelLevelFusion",
    "MultimodalBatch",
    "PixelNearestNeighbour",
    "TrainOptions",
    "TrainResult",
    "build_distance",
    "build_learner",
    "build_mapping",
    "embed_dataset",
    "evaluate",
    "load_image_folder",
    "load_learner",
    "load_omniglot",
    "read_checkpoint_config",
    "run_job",
    "sample_episodes",
    "save_learner",
    "select_device",
    "split_classes",
    "train_job",
    "untrained_protonet",
    "with_rotated_classes",
]
