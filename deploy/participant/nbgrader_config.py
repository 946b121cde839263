# nbgrader configuration of a participant's JupyterLab server on the workshop hub.
# The hub points JUPYTER_CONFIG_PATH here (deploy/jupyterhub_config.py) and passes the exchange
# and course id. The student id is not set: nbgrader takes the OS user, which is the
# participant's own system user; collect checks the files' owner anyway.
import os

c = get_config()  # noqa: F821 (provided by traitlets)

c.Exchange.root = os.environ["UKM_EXCHANGE"]
c.Exchange.path_includes_course = True
c.CourseDirectory.course_id = os.environ["UKM_COURSE_ID"]
# The submission in the inbound folder: readable by its owner and the course only.
c.ExchangeFactory.submit = "ukm_tools.hub.exchange.PrivateSubmit"
