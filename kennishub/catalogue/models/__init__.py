from .harvest import Feed, HarvestRun
from .offer import Course, CourseRun, Interest, Provider

__all__ = ["Course", "CourseRun", "Feed", "HarvestRun", "Interest", "Provider"]
