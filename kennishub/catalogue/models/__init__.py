from .harvest import Feed, HarvestRun
from .offer import (
    Course,
    CourseFacet,
    CourseFacetTotal,
    CourseRun,
    Interest,
    Provider,
)

__all__ = [
    "Course",
    "CourseFacet",
    "CourseFacetTotal",
    "CourseRun",
    "Feed",
    "HarvestRun",
    "Interest",
    "Provider",
]
