"""``gluon.data``: datasets, samplers and the DataLoader."""
from . import vision
from .dataloader import DataLoader
from .dataset import ArrayDataset, Dataset, RecordFileDataset, SimpleDataset
from .sampler import BatchSampler, FilterSampler, IntervalSampler, RandomSampler, Sampler, SequentialSampler

__all__ = ["ArrayDataset", "BatchSampler", "DataLoader", "Dataset", "FilterSampler", "IntervalSampler",
           "RandomSampler", "RecordFileDataset", "Sampler", "SequentialSampler", "SimpleDataset", "vision"]
