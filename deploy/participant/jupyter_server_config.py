# Jupyter server of a participant on the workshop hub: the assignment list, not the staff tools.
c = get_config()  # noqa: F821 (provided by traitlets)

c.ServerApp.jpserver_extensions = {
    "nbgrader.server_extensions.formgrader": False,
    "nbgrader.server_extensions.course_list": False,
    "nbgrader.server_extensions.assignment_list": True,
    "nbgrader.server_extensions.validate_assignment": True,
}
