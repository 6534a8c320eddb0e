"""IAM documents (pure): the document model and its size as IAM counts it, the policy budget (one owner per
role, every contributor), and an evaluator of identity policies (`evaluate`) that the review tools and the
tests decide requests with."""
