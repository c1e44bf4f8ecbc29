"""办事指南 kept by admins and searched in Chinese, and the 责任清单 saying which body
handles which category of matter at which place."""
